"""Who hears about a clock: the people to remind and the management line to escalate to.

The line is read from the org structure (DOMAIN.md: TM → SM → HoS → AD → DCS):
1. follow `Membership.line_manager_id` up from the team managers of the instance's team, and
   take the first line manager who holds the wanted role in the instance's agency;
2. otherwise the holders of the role in the team, then its parent teams, then agency-wide
   (memberships with no team), then anywhere in the agency;
3. nobody holds it: try the next role up, so an escalation is never silently dropped.
Only active people are chosen.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from core.extensions import db
from core.identity.models import Membership, Team, User
from core.identity.roles import MANAGEMENT_LINE
from core.workflow.models import WorkflowInstance

MAX_TEAM_DEPTH = 10


def escalation_recipients(instance: WorkflowInstance, role: str) -> tuple[str, list[User]]:
    """The holders of `role` on the instance's line, climbing while nobody holds it.

    Returns the role actually reached and its holders (empty if the whole line is vacant).
    """
    for candidate in MANAGEMENT_LINE[MANAGEMENT_LINE.index(role):]:
        people = via_line_managers(instance, candidate) or role_holders(instance, candidate)
        if people:
            return candidate, people
    return role, []


def reminder_recipients(instance: WorkflowInstance, roles: Iterable[str],
                        user_ids: Iterable[int]) -> list[User]:
    """The holders of `roles` for the instance plus the named people, once each."""
    people = {u.id: u for role in roles for u in role_holders(instance, role)}
    if ids := set(user_ids) - set(people):
        people |= {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}
    return _active(people.values())


def via_line_managers(instance: WorkflowInstance, role: str) -> list[User]:
    """Walk line managers up from the team's team managers to the first holder of `role`."""
    if instance.team_id is None or instance.agency_id is None or role == "team_manager":
        return []
    current = set(_holder_ids(Membership.team_id == instance.team_id, "team_manager"))
    seen = set(current)
    for _ in range(len(MANAGEMENT_LINE) + 1):
        managers = _line_managers_of(current, instance.agency_id) - seen
        if not managers:
            return []
        holders = _holder_ids(Membership.agency_id == instance.agency_id, role, managers)
        if holders:
            return _users(holders)
        seen |= managers
        current = managers
    return []


def role_holders(instance: WorkflowInstance, role: str) -> list[User]:
    """Holders of `role` nearest the instance: team, parent teams, agency, partnership."""
    for where in _nearest_first(instance):
        people = _users(_holder_ids(where, role))
        if people:
            return people
    return []


def _nearest_first(instance: WorkflowInstance) -> list:
    places = [Membership.team_id == t for t in _team_chain(instance.team_id)]
    if instance.agency_id is not None:
        places += [(Membership.agency_id == instance.agency_id) & Membership.team_id.is_(None),
                   Membership.agency_id == instance.agency_id]
    places.append(Membership.partnership_id == instance.partnership_id)
    return places


def _team_chain(team_id: int | None) -> list[int]:
    chain: list[int] = []
    while team_id is not None and team_id not in chain and len(chain) < MAX_TEAM_DEPTH:
        chain.append(team_id)
        team_id = db.session.scalar(select(Team.parent_id).where(Team.id == team_id))
    return chain


def _holder_ids(where, role: str, among: set[int] | None = None) -> list[int]:
    query = select(Membership.user_id).where(where, Membership.role == role).distinct()
    if among is not None:
        query = query.where(Membership.user_id.in_(among))
    return list(db.session.scalars(query))


def _line_managers_of(user_ids: set[int], agency_id: int) -> set[int]:
    if not user_ids:
        return set()
    query = select(Membership.line_manager_id).where(
        Membership.user_id.in_(user_ids), Membership.agency_id == agency_id,
        Membership.line_manager_id.is_not(None))
    return set(db.session.scalars(query))


def _users(ids: Iterable[int]) -> list[User]:
    ids = set(ids)
    if not ids:
        return []
    return _active(db.session.scalars(select(User).where(User.id.in_(ids)).order_by(User.id)))


def _active(users: Iterable[User]) -> list[User]:
    return sorted((u for u in users if u.is_active), key=lambda u: u.id)
