"""Proposing an auditor for each audit: independence first, then expertise, then quotas.

- Independence (a rule, never relaxed): nobody audits a case of their own team, a case of
  someone they line-manage, or their own case (DOMAIN.md: auditors audit outside their own line
  of management; Hillingdon App. E: no casework involvement).
- Expertise: an auditor whose teams cover the case's service area is preferred (Hillingdon
  App. D); with `require_expertise` only they are considered.
- Quotas (Havering): whoever is furthest behind their yearly target, pro rata to the cycles so
  far, goes first, then whoever has fewest audits this cycle; nobody gets more than
  `max_per_auditor` in one cycle. Remaining ties are broken at random.
The QA team reviews every proposal before allocations are sent.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from sqlalchemy import func, select

from core.toolkit import Membership, User, db
from plugins.single_agency import people
from plugins.single_agency.models import Audit, Cycle, Programme
from plugins.single_agency.settings import cycle_months, programme_year_start


@dataclass
class Candidate:
    """A possible auditor and what allocation needs to know about them."""

    user: User
    roles: set[str]
    team_ids: set[int]
    areas: set[str]
    target: int
    this_year: int = 0
    this_cycle: int = 0

    def deficit(self, share_of_year: float) -> float:
        return self.target * share_of_year - self.this_year


@dataclass
class Proposal:
    audit: Audit
    auditor: User | None
    notes: list[str] = field(default_factory=list)


def conflicts(user_id: int, audit: Audit) -> list[str]:
    """Why this person may not audit this case (empty when they are independent of it)."""
    reasons = []
    if user_id == audit.practitioner_id:
        reasons.append("is the case's practitioner")
    if audit.team_id is not None and audit.team_id in people.team_ids(user_id, audit.agency_id):
        reasons.append("works in the team that holds the case")
    if user_id in people.line_of(audit.practitioner_id, audit.team_id, audit.agency_id):
        reasons.append("line-manages the practitioner or the team")
    return reasons


def candidates(programme: Programme, cycle: Cycle) -> list[Candidate]:
    """Everyone in the council holding an auditor role, with their load so far."""
    rows = db.session.execute(select(Membership.user_id, Membership.role).where(
        Membership.agency_id == programme.agency_id,
        Membership.role.in_(programme.auditor_roles)))
    roles: dict[int, set[str]] = {}
    for user_id, role in rows:
        roles.setdefault(user_id, set()).add(role)
    found = []
    for user in people.users(roles):
        teams = people.team_ids(user.id, programme.agency_id)
        target = max((programme.quotas.get(r, 0) for r in roles[user.id]), default=0)
        found.append(Candidate(user, roles[user.id], teams, people.service_areas(teams), target))
    _count_load(found, programme, cycle)
    return found


def _count_load(found: list[Candidate], programme: Programme, cycle: Cycle) -> None:
    start = programme_year_start(cycle.opens_on, programme.year_start_month)
    year = dict(db.session.execute(
        select(Audit.auditor_id, func.count(Audit.id)).join(Cycle, Audit.cycle_id == Cycle.id)
        .where(Cycle.programme_id == programme.id, Cycle.opens_on >= start,
               Audit.state != "cancelled", Audit.id.not_in(_ids(cycle)))
        .group_by(Audit.auditor_id)).all())
    for c in found:
        c.this_year = year.get(c.user.id, 0)


def _ids(cycle: Cycle) -> list[int]:
    return [a.id for a in cycle.audits if a.id is not None]


def share_of_year(programme: Programme, cycle: Cycle) -> float:
    """How far through the programme year this cycle is, counted in cycles (1/10 ... 10/10)."""
    months = cycle_months(programme.year_start_month, programme.cycles_per_year,
                          programme.paused_months)
    month = cycle.opens_on.month
    done = months[: months.index(month) + 1] if month in months else months
    return len(done) / max(len(months), 1)


def propose(programme: Programme, cycle: Cycle, audits: list[Audit],
            rng: random.Random) -> list[Proposal]:
    """Choose an auditor for each audit without one; the most constrained audits go first."""
    pool = candidates(programme, cycle)
    for audit in cycle.audits:
        if audit.auditor_id is not None and audit not in audits:
            _charge(pool, audit.auditor_id)
    share = share_of_year(programme, cycle)
    eligible = {id(a): _eligible(pool, a, programme) for a in audits}
    proposals = []
    for audit in sorted(audits, key=lambda a: (len(eligible[id(a)]), a.case.code)):
        proposals.append(_choose(audit, eligible[id(audit)], programme, share, rng))
    return proposals


def _eligible(pool: list[Candidate], audit: Audit, programme: Programme) -> list[Candidate]:
    independent = [c for c in pool if not conflicts(c.user.id, audit)]
    area = audit.team.service_area if audit.team else None
    if programme.require_expertise and area:
        return [c for c in independent if area in c.areas]
    return independent


def _choose(audit: Audit, eligible: list[Candidate], programme: Programme, share: float,
            rng: random.Random) -> Proposal:
    open_ = [c for c in eligible if c.this_cycle < programme.max_per_auditor]
    if not open_:
        why = ("nobody independent of this case is free this cycle" if eligible
               else "nobody holding an auditor role is independent of this case")
        return Proposal(audit, None, [f"No auditor proposed: {why}."])
    area = audit.team.service_area if audit.team else None
    previous = audit.previous.auditor_id if audit.previous else None
    best = max(open_, key=lambda c: (
        c.user.id == previous, bool(area) and area in c.areas, c.deficit(share),
        -c.this_cycle, rng.random()))
    notes = [] if not area or area in best.areas else [
        f"No independent auditor with {area} experience was free."]
    _charge([best], best.user.id)
    audit.auditor_id = best.user.id
    return Proposal(audit, best.user, notes)


def _charge(pool: list[Candidate], user_id: int) -> None:
    for c in pool:
        if c.user.id == user_id:
            c.this_cycle += 1
            c.this_year += 1


def quota_table(programme: Programme, cycle: Cycle) -> list[dict]:
    """Each auditor's yearly target, their audits this year (this cycle included) and the
    number they should have reached by now, for the QA team's review."""
    share = share_of_year(programme, cycle)
    rows = []
    for c in candidates(programme, cycle):
        mine = sum(1 for a in cycle.audits if a.auditor_id == c.user.id
                   and a.state != "cancelled")
        rows.append({"user": c.user, "roles": sorted(c.roles), "target": c.target,
                     "this_year": c.this_year + mine, "expected": round(c.target * share, 1),
                     "this_cycle": mine})
    return sorted(rows, key=lambda r: (r["this_year"] - r["expected"], r["user"].name))
