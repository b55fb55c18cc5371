"""Who is who around an audit: teams, line management, the QA team and the management line.

Line management comes from `Membership.line_manager_id`; "someone they line-manage" is read
transitively (a service manager line-manages the team managers' practitioners too), because
the rule is that auditors audit outside their own line of management (DOMAIN.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from types import SimpleNamespace

from sqlalchemy import select

from core.toolkit import Membership, Team, User, db, escalation_recipients

QA_ROLES = ("qa_officer", "qa_manager")
MAX_DEPTH = 10


def users(ids: Iterable[int]) -> list[User]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return []
    found = db.session.scalars(select(User).where(User.id.in_(ids)).order_by(User.id))
    return [u for u in found if u.is_active]


def team_ids(user_id: int, agency_id: int) -> set[int]:
    """The teams a person belongs to in the council."""
    return set(db.session.scalars(select(Membership.team_id).where(
        Membership.user_id == user_id, Membership.agency_id == agency_id,
        Membership.team_id.is_not(None))))


def team_managers(team_id: int | None) -> list[User]:
    if team_id is None:
        return []
    return users(db.session.scalars(select(Membership.user_id).where(
        Membership.team_id == team_id, Membership.role == "team_manager")))


def managers_above(user_ids: Iterable[int], agency_id: int) -> set[int]:
    """Everyone above these people on their line-management chains in the council."""
    found: set[int] = set()
    current = set(user_ids)
    for _ in range(MAX_DEPTH):
        managers = set(db.session.scalars(select(Membership.line_manager_id).where(
            Membership.user_id.in_(current), Membership.agency_id == agency_id,
            Membership.line_manager_id.is_not(None)))) - found
        if not managers:
            break
        found |= managers
        current = managers
    return found


def line_of(practitioner_id: int | None, team_id: int | None, agency_id: int) -> set[int]:
    """The people whose line of management covers this practitioner and team."""
    below = {u.id for u in team_managers(team_id)}
    if practitioner_id is not None:
        below.add(practitioner_id)
    return managers_above(below, agency_id) | {u.id for u in team_managers(team_id)}


def holders(agency_id: int, roles: Iterable[str]) -> list[User]:
    """Everyone holding any of `roles` in the council (team or agency-wide memberships)."""
    return users(db.session.scalars(select(Membership.user_id).where(
        Membership.agency_id == agency_id, Membership.role.in_(tuple(roles)))))


def qa_team(agency_id: int) -> list[User]:
    return holders(agency_id, QA_ROLES)


def on_the_line(partnership_id: int, agency_id: int, team_id: int | None,
                role: str) -> list[User]:
    """The holder(s) of a management-line role for a team, climbing while it is vacant."""
    where = SimpleNamespace(partnership_id=partnership_id, agency_id=agency_id, team_id=team_id)
    return escalation_recipients(where, role)[1]


def service_areas(team_ids_: Iterable[int]) -> set[str]:
    ids = set(team_ids_)
    if not ids:
        return set()
    return {a for a in db.session.scalars(select(Team.service_area).where(Team.id.in_(ids)))
            if a}
