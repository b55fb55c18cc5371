"""Who stands above an action's owner: who signs it off and whom an overdue action climbs to.

The owner's recorded line managers come first (`Membership.line_manager_id` in the owning
agency), then their line managers, and so on. Where nobody is recorded, the management line is
read by role from the owner's team and agency (TM → SM → HoS → AD → DCS, the same reading as
workflow escalations), starting above the highest role anyone on the line so far holds.
Nobody is ever asked to sign off or chase their own action.
"""

from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy import select

from core.actions.models import Action
from core.extensions import db
from core.identity.models import Membership, User
from core.identity.roles import MANAGEMENT_LINE
from core.workflow.escalation import role_holders, via_line_managers


def escalation_line(action: Action, levels: int) -> list[list[User]]:
    """Up to `levels` groups of people above the owner, nearest first."""
    owner = action.owner_user_id
    seen: set[int] = {owner} if owner else set()
    chain = _recorded_line(action, owner, seen, levels)
    start = _start_role(seen, action.owner_agency_id)
    place = _place(action)
    for role in MANAGEMENT_LINE[start:]:
        if len(chain) >= levels:
            break
        people = [u for u in via_line_managers(place, role) or role_holders(place, role)
                  if u.id not in seen]
        if people:
            chain.append(people)
            seen |= {u.id for u in people}
    return chain


def sign_off_people(action: Action) -> list[User]:
    """Who may sign the action off: the first step above the owner."""
    line = escalation_line(action, 1)
    return line[0] if line else []


def _recorded_line(action: Action, owner: int | None, seen: set[int],
                   levels: int) -> list[list[User]]:
    chain: list[list[User]] = []
    current = {owner} if owner else set()
    while current and len(chain) < levels:
        people = _active(_line_managers_of(current, action.owner_agency_id) - seen)
        if not people:
            break
        chain.append(people)
        current = {u.id for u in people}
        seen |= current
    return chain


def _line_managers_of(user_ids: set[int], agency_id: int) -> set[int]:
    query = select(Membership.line_manager_id).where(
        Membership.user_id.in_(user_ids), Membership.agency_id == agency_id,
        Membership.line_manager_id.is_not(None))
    return set(db.session.scalars(query))


def _start_role(user_ids: set[int], agency_id: int) -> int:
    """The index on the management line just above the highest role these people hold."""
    if not user_ids:
        return 0
    roles = set(db.session.scalars(select(Membership.role).where(
        Membership.user_id.in_(user_ids), Membership.agency_id == agency_id)))
    held = [MANAGEMENT_LINE.index(r) for r in roles if r in MANAGEMENT_LINE]
    return max(held) + 1 if held else 0


def _place(action: Action) -> SimpleNamespace:
    """The owner's team, agency and partnership, shaped as the workflow helpers read them."""
    return SimpleNamespace(team_id=action.owner_team_id, agency_id=action.owner_agency_id,
                           partnership_id=action.partnership_id)


def _active(ids: set[int]) -> list[User]:
    if not ids:
        return []
    users = db.session.scalars(select(User).where(User.id.in_(ids)).order_by(User.id))
    return [u for u in users if u.is_active]
