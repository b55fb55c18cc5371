"""Who sees which homes and visits: the scoping every view and report goes through.

People who oversee visits (`reg44.oversee`) see the homes and visits of the agencies and
partnerships they reach. An independent person sees the homes currently assigned to them and
the visits they were given, and nothing else, even in their own agency. Anything else is a 404.
"""

from __future__ import annotations

from typing import Any

from flask import abort
from sqlalchemy import Select, false, or_, select

from core.toolkit import can, current_user, db, scoped
from plugins.reg44.models import Assignment, Home, Scrutiny, Visit
from plugins.reg44.permissions import MANAGE, OVERSEE, VISIT


def me() -> Any:
    return current_user._get_current_object()


def _assigned_home_ids() -> Select:
    if not can(VISIT):
        return select(Assignment.home_id).where(false())
    return select(Assignment.home_id).where(Assignment.visitor_id == current_user.id,
                                            Assignment.ends_on.is_(None))


def visible_homes() -> Select:
    within = scoped(Home, OVERSEE).with_only_columns(Home.id)
    return select(Home).where(or_(Home.id.in_(within), Home.id.in_(_assigned_home_ids())))


def visible_visits() -> Select:
    within = scoped(Visit, OVERSEE).with_only_columns(Visit.id)
    if not can(VISIT):
        return select(Visit).where(Visit.id.in_(within))
    return select(Visit).where(or_(Visit.id.in_(within), Visit.visitor_id == current_user.id))


def is_visitor_of(visit: Visit) -> bool:
    return visit.visitor_id is not None and visit.visitor_id == current_user.id \
        and can(VISIT)


def may_see_home(home: Home) -> bool:
    if can(OVERSEE, home):
        return True
    current = home.current_assignment()
    return can(VISIT) and current is not None and current.visitor_id == current_user.id


def may_see_visit(visit: Visit) -> bool:
    return can(OVERSEE, visit) or is_visitor_of(visit)


def may(permission: str, visit: Visit) -> bool:
    """`permission` over the visit's agency or partnership, or held at all by its visitor."""
    return can(permission, visit) or (is_visitor_of(visit) and can(permission))


def find_home(home_id: int, permission: str | None = None) -> Home:
    """The home, or 404 if the person may not see it (or may not use `permission` on it)."""
    home = db.session.get(Home, home_id)
    if home is None or not may_see_home(home):
        abort(404)
    if permission is not None and not can(permission, home):
        abort(404)
    return home


def find_visit(visit_id: int, permission: str | None = None) -> Visit:
    visit = db.session.get(Visit, visit_id)
    if visit is None or not may_see_visit(visit):
        abort(404)
    if permission is not None and not may(permission, visit):
        abort(404)
    return visit


def find_scrutiny(scrutiny_id: int) -> Scrutiny:
    scrutiny = db.session.get(Scrutiny, scrutiny_id)
    if scrutiny is None or not can(OVERSEE, scrutiny):
        abort(404)
    return scrutiny


def may_manage(home: Home) -> bool:
    return can(MANAGE, home)
