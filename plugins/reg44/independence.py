"""Is a person independent of a home? (Children's Homes Regulations 2015, reg. 44)

The independent person must hold the Regulation 44 independent person role in the agency
responsible for the home (the authority that commissions the visits) and must not be employed
in the home's line management. The authority's own homes are run by a team (`Home.team`), so a
person is not independent if they:
1. are a member of that team (they work at the home);
2. line-manage any of its staff, directly or further up (`Membership.line_manager_id`, followed
   upwards as far as it goes);
3. hold a management-line role (team manager to director) in a team above the home's team
   (`Team.parent_id`), which manages the home's service;
4. are assistant director or director of the agency that runs the home (accountable for every
   home it runs).
A commissioned home is run by another provider, whose staff do not hold accounts here, so only
the role is checked. Each problem is a sentence naming the reason, shown where the assignment or
the visit is refused.
"""

from __future__ import annotations

from sqlalchemy import select

from core.toolkit import MANAGEMENT_LINE, Membership, Team, User, db
from plugins.reg44.models import Home

VISITOR_ROLE = "reg44_visitor"
ACCOUNTABLE_ROLES = ("assistant_director", "director")
MAX_DEPTH = 12


def holds_visitor_role(person: User, home: Home) -> bool:
    """The person is a Regulation 44 independent person in the agency responsible for the home
    (the authority commissions its independent persons, who hold the role in its agency)."""
    return any(m.role == VISITOR_ROLE and m.agency_id == home.agency_id
               for m in person.memberships)


def independence_problems(person: User, home: Home) -> list[str]:
    """Every reason `person` may not visit `home` (empty when they may)."""
    found = [] if holds_visitor_role(person, home) else [
        f"{person.name} is not a Regulation 44 independent person for {home.agency.name}."]
    if home.team_id is not None:
        found += _line_management_problems(person, home)
    return found


def is_independent(person: User, home: Home) -> bool:
    return not independence_problems(person, home)


def _line_management_problems(person: User, home: Home) -> list[str]:
    team = home.team
    mine = list(person.memberships)
    found = []
    if any(m.team_id == team.id for m in mine):
        found.append(f"{person.name} works in {team.name}, which runs {home.name}.")
    if person.id in _managers_above(_staff_ids(team.id)):
        found.append(f"{person.name} line-manages staff of {home.name}.")
    above = _parent_teams(team)
    for m in mine:
        if m.role in MANAGEMENT_LINE and m.team_id in above:
            found.append(f"{person.name} manages {above[m.team_id]}, above {home.name}.")
        if m.role in ACCOUNTABLE_ROLES and m.agency_id == team.agency_id:
            found.append(f"{person.name} is on the management line of {team.agency.name}, "
                         f"which runs {home.name}.")
    return list(dict.fromkeys(found))


def _staff_ids(team_id: int) -> set[int]:
    return set(db.session.scalars(select(Membership.user_id).where(Membership.team_id == team_id)))


def _managers_above(user_ids: set[int]) -> set[int]:
    """Everyone above these people on their recorded line-manager chains."""
    found: set[int] = set()
    current = set(user_ids)
    for _ in range(MAX_DEPTH):
        if not current:
            break
        managers = set(db.session.scalars(select(Membership.line_manager_id).where(
            Membership.user_id.in_(current), Membership.line_manager_id.is_not(None))))
        current = managers - found - user_ids
        found |= managers
    return found


def _parent_teams(team: Team) -> dict[int, str]:
    """The teams above `team` (id -> name), nearest first."""
    above: dict[int, str] = {}
    parent = team.parent
    while parent is not None and parent.id not in above and len(above) < MAX_DEPTH:
        above[parent.id] = parent.name
        parent = parent.parent
    return above
