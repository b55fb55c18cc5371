"""Who may read which observation, and finding records within the person's reach.

An observation is the practitioner's development record (Hillingdon App. B: "stored in
supervision folders"): readable by the practitioner, the observer, whoever asked for it, the
practitioner's line management (line managers up the chain and the managers of the team) and
the council's QA team. A colleague in the same team holding the same role cannot read it.
Anything outside the person's reach answers 404, like a record that does not exist.
"""

from __future__ import annotations

from typing import Any

from flask import abort
from sqlalchemy import select

from core.toolkit import (
    MANAGEMENT_LINE,
    Agency,
    Membership,
    User,
    can,
    current_user,
    db,
    scoped,
    visible_agencies,
)
from plugins.practice_week.models import Observation, PracticeWeek
from plugins.practice_week.permissions import OVERSEE, PLAN, REQUEST, VIEW

CHAIN_LIMIT = 8  # how far up the line management chain to look


def me() -> User:
    return current_user._get_current_object()  # type: ignore[attr-defined]


def line_managers(user_id: int, agency_id: int) -> set[int]:
    """Everyone above the person on the line management chain in this council."""
    found: set[int] = set()
    current = {user_id}
    for _ in range(CHAIN_LIMIT):
        rows = db.session.scalars(select(Membership.line_manager_id).where(
            Membership.user_id.in_(current), Membership.agency_id == agency_id,
            Membership.line_manager_id.is_not(None)))
        current = set(rows) - found - {user_id}
        if not current:
            break
        found |= current
    return found


def team_managers(team_id: int | None) -> set[int]:
    if team_id is None:
        return set()
    return set(db.session.scalars(select(Membership.user_id).where(
        Membership.team_id == team_id, Membership.role.in_(MANAGEMENT_LINE))))


def is_direct_report(practitioner_id: int, manager_id: int) -> bool:
    return db.session.scalar(select(Membership.id).where(
        Membership.user_id == practitioner_id,
        Membership.line_manager_id == manager_id).limit(1)) is not None


def readers(obs: Observation) -> set[int]:
    """The people (other than the QA team) who may read the record."""
    people = {obs.practitioner_id, obs.observer_id}
    if obs.requested_by_id:
        people.add(obs.requested_by_id)
    people |= line_managers(obs.practitioner_id, obs.agency_id)
    people |= team_managers(obs.team_id) - {obs.practitioner_id}
    return people


def may_read(obs: Observation, user: Any = None) -> bool:
    user = me() if user is None else user
    if not can(VIEW, obs, user=user):
        return False
    return can(OVERSEE, obs, user=user) or user.id in readers(obs)


def find_observation(observation_id: int) -> Observation:
    obs = db.session.get(Observation, observation_id)
    if obs is None or not may_read(obs):
        abort(404)
    return obs


def visible_observations(user: Any = None) -> list[Observation]:
    """The observations the person may read, soonest first."""
    user = me() if user is None else user
    rows = db.session.scalars(scoped(Observation, VIEW, user=user)
                              .order_by(Observation.starts_at))
    return [o for o in rows if may_read(o, user)]


# --- the practitioner's development file ----------------------------------------------------


def file_agencies(practitioner_id: int, user: Any = None) -> set[int]:
    """The councils in which the person may read the practitioner's development file.

    Item 4 of the issue: the file is open to the practitioner, their line management (line
    managers up the chain, the managers of their team) and the council's QA team, in the
    councils where the practitioner works. The observer of one observation reads that record
    only, not the whole file."""
    user = me() if user is None else user
    viewable = {a.id for a in db.session.scalars(visible_agencies(VIEW, user))}
    overseen = {a.id for a in db.session.scalars(visible_agencies(OVERSEE, user))}
    found: set[int] = set()
    for m in db.session.scalars(select(Membership).where(
            Membership.user_id == practitioner_id, Membership.agency_id.is_not(None))):
        agency_id = m.agency_id
        if agency_id not in viewable or agency_id in found:
            continue
        if (user.id == practitioner_id or agency_id in overseen
                or user.id in line_managers(practitioner_id, agency_id)
                or user.id in team_managers(m.team_id) - {practitioner_id}):
            found.add(agency_id)
    return found


def may_read_file(practitioner_id: int, user: Any = None) -> bool:
    return bool(file_agencies(practitioner_id, user))


def development_file(practitioner_id: int) -> tuple[User, list[Observation]]:
    """The practitioner and every observation of their practice the person may read, newest
    first. 404 for anyone outside the file's readers, as for a record that does not exist."""
    user = me()
    practitioner = db.session.get(User, practitioner_id)
    agencies = file_agencies(practitioner_id, user) if practitioner else set()
    if practitioner is None or not agencies:
        abort(404)
    rows = db.session.scalars(
        scoped(Observation, VIEW, user=user)
        .where(Observation.practitioner_id == practitioner_id,
               Observation.agency_id.in_(agencies))
        .order_by(Observation.starts_at.desc(), Observation.id.desc()))
    return practitioner, [o for o in rows if may_read(o, user)]


def document_agencies(practitioner_id: int, user: Any = None) -> set[int]:
    """The councils in which the person may add or remove documents on the file.

    The practitioner keeps their own file; of its other readers, those who may arrange the
    practitioner's observations (line management and the QA team, `REQUEST`) add to it too.
    A reader without that standing downloads only."""
    user = me() if user is None else user
    agencies = file_agencies(practitioner_id, user)
    if user.id == practitioner_id or not agencies:
        return agencies
    arranging = {a.id for a in db.session.scalars(visible_agencies(REQUEST, user))}
    return agencies & arranging


def partnerships_of(agency_ids: set[int]) -> set[int]:
    """The partnerships of these councils: a file's documents are kept under them."""
    if not agency_ids:
        return set()
    agencies = db.session.scalars(select(Agency).where(Agency.id.in_(agency_ids)))
    return {p.id for a in agencies for p in a.partnerships}


def find_week(week_id: int, permission: str = VIEW) -> PracticeWeek:
    week = db.session.get(PracticeWeek, week_id)
    if week is None or not can(permission, week):
        abort(404)
    return week


def visible_weeks() -> list[PracticeWeek]:
    return list(db.session.scalars(scoped(PracticeWeek, VIEW)
                                   .order_by(PracticeWeek.starts_on.desc())))


def may_plan(week: PracticeWeek) -> bool:
    return can(PLAN, week)
