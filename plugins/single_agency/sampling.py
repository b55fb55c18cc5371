"""Choosing the cases a cycle audits: random per team, a theme or cohort, or a named case.

Only coded cases of the council that are open, not destroyed, not already in an open audit and
not audited in the last few months (a programme setting) are drawn, so the same child is not
audited twice in a row by chance. The random source is passed in: `secrets.SystemRandom()` in
service, a seeded `random.Random` in tests.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Select, select

from core.toolkit import Case, Team, db
from plugins.single_agency.models import Audit, Programme
from plugins.single_agency.settings import add_months

LIVE_STATES = ("proposed", "allocated", "qa_check", "returned")


@dataclass
class Criteria:
    """What a themed, dip-sample or service-request cycle looks at."""

    cohorts: list[str] = field(default_factory=list)
    team_ids: list[int] = field(default_factory=list)
    size: int | None = None      # this many cases ...
    percent: int | None = None   # ... or this share of the matching cases (dip samples)
    per_team: int | None = None  # ... or this many from each team

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v not in (None, [])}


def eligible(programme: Programme, today: date) -> Select:
    """Cases of the council that may be drawn today."""
    recent = add_months(today, -programme.exclude_recent_months)
    busy = select(Audit.case_id).where(Audit.agency_id == programme.agency_id,
                                       Audit.state.in_(LIVE_STATES))
    audited = select(Audit.case_id).where(
        Audit.agency_id == programme.agency_id, Audit.state != "cancelled",
        Audit.kind == "audit", Audit.due_on >= recent)
    return select(Case).where(
        Case.agency_id == programme.agency_id, Case.destroyed_at.is_(None),
        Case.closed_at.is_(None), Case.team_id.is_not(None),
        Case.id.not_in(busy), Case.id.not_in(audited))


def _pick(cases: Iterable[Case], k: int, rng: random.Random) -> list[Case]:
    pool = sorted(cases, key=lambda c: c.code)  # a fixed order, so a seed repeats a draw
    return rng.sample(pool, min(k, len(pool)))


def random_per_team(programme: Programme, today: date, rng: random.Random,
                    per_team: int | None = None, team_ids: list[int] | None = None
                    ) -> list[Case]:
    """`per_team` random cases from each team of the council (the monthly cycle)."""
    teams = db.session.scalars(select(Team.id).where(Team.agency_id == programme.agency_id)
                               .order_by(Team.name))
    chosen: list[Case] = []
    for team_id in teams:
        if team_ids and team_id not in team_ids:
            continue
        pool = db.session.scalars(eligible(programme, today).where(Case.team_id == team_id))
        chosen += _pick(pool, per_team or programme.sample_per_team, rng)
    return chosen


def by_criteria(programme: Programme, today: date, criteria: Criteria,
                rng: random.Random) -> list[Case]:
    """Cases for a themed audit or dip sample: filter, then a number or a share at random."""
    if criteria.per_team:
        return random_per_team(programme, today, rng, criteria.per_team, criteria.team_ids)
    query = eligible(programme, today)
    if criteria.cohorts:
        query = query.where(Case.cohort.in_(criteria.cohorts))
    if criteria.team_ids:
        query = query.where(Case.team_id.in_(criteria.team_ids))
    pool = list(db.session.scalars(query))
    if criteria.percent:
        return _pick(pool, math.ceil(len(pool) * criteria.percent / 100), rng)
    return _pick(pool, criteria.size or len(pool), rng)


def named(programme: Programme, code: str) -> Case | None:
    """A case named by its code (a need-to-know notification), if it is the council's."""
    return db.session.scalar(select(Case).where(
        Case.code == code.strip().upper(), Case.agency_id == programme.agency_id,
        Case.destroyed_at.is_(None)))


def in_live_audit(case: Case) -> bool:
    return db.session.scalar(select(Audit.id).where(
        Audit.case_id == case.id, Audit.state.in_(LIVE_STATES)).limit(1)) is not None
