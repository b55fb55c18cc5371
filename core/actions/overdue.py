"""Overdue actions: tell the owner, then climb the management line, each step once.

Run each morning by the scheduler (job "core.actions_overdue"); it does nothing on weekends and
bank holidays, so nobody is chased on a day off and every step is counted in UK working days
after the due date (settings: `escalate_after_working_days`). An action owned by an agency with
no named person is chased with the first managers above the owning team instead.

Each step is an `ActionEscalation` row, unique per action, due date and level, written in the
same transaction as its notifications: running the job twice, or two runs at once, tells
nobody twice. Moving the due date starts a new series. The first notice also fires the
`qa_on_action_overdue` hook, inside the same transaction.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import date, datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.actions import notices, settings
from core.actions.line import escalation_line
from core.actions.models import Action, ActionEscalation
from core.actions.queries import overdue_clause
from core.extensions import db
from core.identity.models import User
from core.timeutil import to_london
from core.workflow.calendar import is_working_day, working_days_between

log = logging.getLogger("partnership_audit.actions")


@dataclass
class OverdueResult:
    """What one run did (the job's result)."""

    checked: int = 0
    owners_told: int = 0
    escalations: int = 0
    failed: int = 0
    skipped_day: bool = False


def run_overdue_check(now: datetime | None = None) -> OverdueResult:
    """Look at every overdue action on the London day of `now` (default: the current time)."""
    day = to_london(now or settings.now()).date()
    result = OverdueResult()
    if not is_working_day(day):
        result.skipped_day = True
        return result
    ids = select(Action.id).where(overdue_clause(day)).order_by(Action.due_date, Action.id)
    for action_id in list(db.session.scalars(ids)):
        result.checked += 1
        _check_one(action_id, day, result)
    return result


def overdue_job() -> dict:
    """The scheduled job: check at the current time and report the counts."""
    return asdict(run_overdue_check())


def _check_one(action_id: int, day: date, result: OverdueResult) -> None:
    try:
        action = db.session.get(Action, action_id)
        if action is not None:
            _chase(action, day, result)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # another run recorded this step first: it told them
    except Exception as exc:  # one broken action must not stop the others
        db.session.rollback()
        result.failed += 1
        log.error("Overdue check failed for action %s: %s", action_id, type(exc).__name__)


def _chase(action: Action, day: date, result: OverdueResult) -> None:
    done = set(db.session.scalars(select(ActionEscalation.level).where(
        ActionEscalation.action_id == action.id, ActionEscalation.due_date == action.due_date)))
    steps = settings.escalation_steps(action.priority)
    line = _line(action, len(steps))
    if 0 not in done:
        first = line[0] if line else []
        _step(action, 0, first)
        notices.overdue(action, first)
        current_app.extensions["plugins"].fire("qa_on_action_overdue", action=action)
        result.owners_told += 1
    late = working_days_between(action.due_date, day)
    for level, after in enumerate(steps, start=1):
        if late < after:
            break
        if level in done:
            continue
        people = line[level] if level < len(line) else []
        _step(action, level, people)
        notices.escalated(action, level, people)
        result.escalations += 1


def _line(action: Action, levels: int) -> list[list[User]]:
    """Index 0: who hears first (the owner); 1..n: each step up the line. Without a named
    owner, the first managers above the team hear first and the climb starts above them."""
    line = escalation_line(action, levels + (0 if action.owner_user_id else 1))
    if action.owner_user is not None and action.owner_user.is_active:
        return [[action.owner_user], *line]
    if action.owner_user_id:
        return [[], *line]
    return line


def _step(action: Action, level: int, people: list[User]) -> None:
    if not people:
        log.warning("Overdue action %s, level %s: nobody to tell", action.reference, level)
    db.session.add(ActionEscalation(
        action_id=action.id, due_date=action.due_date, level=level, created_at=settings.now(),
        recipient_ids=",".join(str(u.id) for u in people)))
    db.session.flush()
