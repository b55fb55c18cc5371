"""Assigning independent persons to homes, with the independence check.

A home has at most one current independent person. Assigning a new one ends the current
assignment the day before and hands them the home's visits that have not happened yet (those
still scheduled); visits already recorded stay with whoever made them.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from core.toolkit import Membership, User, append_access_log, db
from plugins.reg44 import clock
from plugins.reg44.forms import Invalid, Reader
from plugins.reg44.independence import VISITOR_ROLE, independence_problems
from plugins.reg44.models import Assignment, Home, Visit


def candidates(home: Home) -> list[User]:
    """Active people holding the independent person role in the home's agency."""
    query = (select(User).join(Membership, Membership.user_id == User.id)
             .where(Membership.role == VISITOR_ROLE, Membership.agency_id == home.agency_id)
             .distinct().order_by(User.name))
    return [u for u in db.session.scalars(query) if u.is_active]


def assign(home: Home, form: Any, by: Any) -> Assignment:
    """Assign the chosen person from the chosen date (raises `Invalid`, naming why a person
    is not independent of the home)."""
    r = Reader(form)
    people = {str(u.id): u for u in candidates(home)}
    chosen = r.choice("visitor", people, "Select an independent person")
    starts_on = r.date("starts_on", "the date the assignment starts")
    if chosen is not None:
        problems = independence_problems(people[chosen], home)
        if problems:
            r.errors["visitor"] = " ".join(problems)
    current = home.current_assignment()
    if current is not None and starts_on is not None and starts_on <= current.starts_on:
        r.errors["starts_on"] = "The assignment must start after the current one started"
    r.check()
    return _assign(home, people[chosen], starts_on, current, by)


def _assign(home: Home, visitor: User, starts_on: Any, current: Assignment | None,
            by: Any) -> Assignment:
    if current is not None:
        current.ends_on = starts_on - timedelta(days=1)
    assignment = Assignment(home=home, visitor_id=visitor.id, starts_on=starts_on,
                            assigned_by_id=by.id, assigned_at=clock.now())
    db.session.add(assignment)
    for visit in db.session.scalars(select(Visit).where(Visit.home_id == home.id,
                                                        Visit.state == "scheduled")):
        visit.visitor_id = visitor.id
    db.session.flush()
    append_access_log("reg44_visitor_assigned", "reg44_home", str(home.id), user=by,
                      partnership_id=home.partnership_id, detail=f"user {visitor.id}")
    return assignment


def end_assignment(home: Home, by: Any) -> None:
    """End the current assignment today (the home then has no independent person)."""
    current = home.current_assignment()
    if current is None:
        raise Invalid({"visitor": "The home has no independent person assigned"})
    current.ends_on = max(clock.today(), current.starts_on)
    for visit in db.session.scalars(select(Visit).where(Visit.home_id == home.id,
                                                        Visit.state == "scheduled")):
        visit.visitor_id = None
    db.session.flush()
    append_access_log("reg44_visitor_unassigned", "reg44_home", str(home.id), user=by,
                      partnership_id=home.partnership_id, detail=f"user {current.visitor_id}")
