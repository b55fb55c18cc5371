"""The SLA sweep: reminders before deadlines, breaches and escalations after them.

Run every 15 minutes by the scheduler (job "core.sla_sweep"), or directly with a frozen `now`
in tests. Each clock is handled in its own transaction, and the clock's version makes a second
sweep running at the same moment lose rather than repeat alerts; running the sweep twice at
the same `now` sends nothing new, because every step moves the clock past it
(`reminded_at`, `breached`, `escalation_level`).

Each alert is a `WorkflowAlert` row (the record), an event for plugins and a notification to
each recipient (`core.notifications.notify`): an inbox row and an email as the person prefers,
holding the reference and a link only, never anyone's identity. Both are written in the
clock's transaction, so they exist exactly when the alert is saved. A rule marked `urgent`
(a safety alert's response) is emailed at once whatever the person chose.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from core.contributions import JobType, ScheduledJob
from core.extensions import db
from core.identity.models import User
from core.identity.roles import role_label
from core.timeutil import format_london, utcnow
from core.workflow.escalation import escalation_recipients, reminder_recipients
from core.workflow.machine import SlaRule, WorkflowDefinition
from core.workflow.models import SlaClock, WorkflowAlert
from core.workflow.registry import definition_or_none
from core.workflow.sla import escalation_due, next_check, reminder_pending, rule_of

log = logging.getLogger("partnership_audit.workflow")


@dataclass
class SweepResult:
    """What one sweep did (the job's result)."""

    reminders: int = 0
    breaches: int = 0
    escalations: int = 0
    failed: int = 0


@dataclass
class _Context:
    clock: SlaClock
    definition: WorkflowDefinition
    rule: SlaRule
    now: datetime


def run_sla_sweep(now: datetime | None = None) -> SweepResult:
    """Look at every open clock with something due by `now` (default: the current time)."""
    now = now or utcnow()
    result = SweepResult()
    due = select(SlaClock.id).where(SlaClock.stopped_at.is_(None),
                                    SlaClock.next_check_at <= now)
    for clock_id in list(db.session.scalars(due.order_by(SlaClock.next_check_at))):
        _sweep_one(clock_id, now, result)
    return result


def sla_sweep() -> dict[str, int]:
    """The scheduled job: sweep at the current time and report the counts."""
    return asdict(run_sla_sweep())


JOB_TYPES = [JobType("core.sla_sweep", sla_sweep, "Send SLA reminders and escalations")]
SCHEDULES = [ScheduledJob("core.sla_sweep", "core.sla_sweep", "*/15 * * * *",
                          description="Check workflow deadlines every 15 minutes")]


def _sweep_one(clock_id: int, now: datetime, result: SweepResult) -> None:
    try:
        ctx = _context(clock_id, now)
        if ctx is not None:
            _advance(ctx, result)
        db.session.commit()
    except StaleDataError:
        db.session.rollback()  # another sweep handled this clock first
        return
    except Exception as exc:  # one broken clock must not stop the others
        db.session.rollback()
        result.failed += 1
        log.error("SLA sweep failed for clock %s: %s", clock_id, type(exc).__name__)


def _context(clock_id: int, now: datetime) -> _Context | None:
    """The clock with its definition and rule; a clock whose workflow or rule is gone (plugin
    switched off, rule removed) is parked rather than checked every sweep."""
    clock = db.session.get(SlaClock, clock_id)
    if clock is None or clock.stopped_at is not None:
        return None
    definition = definition_or_none(clock.instance.workflow)
    rule = rule_of(definition, clock) if definition else None
    if rule is None:
        clock.next_check_at = None
        return None
    return _Context(clock, definition, rule, now)


def _advance(ctx: _Context, result: SweepResult) -> None:
    clock = ctx.clock
    if ctx.now >= clock.due_at:
        _breach(ctx, result)
    elif reminder_pending(clock) and ctx.now >= clock.remind_at:
        _remind(ctx)
        result.reminders += 1
    clock.next_check_at = next_check(clock, ctx.rule)
    db.session.flush()


def _remind(ctx: _Context) -> None:
    clock, rule = ctx.clock, ctx.rule
    owners = rule.owners(clock.instance) if rule.owners else ()
    people = reminder_recipients(clock.instance, rule.remind_roles, owners)
    clock.reminded_at = ctx.now
    _record(ctx, "reminder", 0, None, people)
    _event("qa_on_sla_reminder", instance=clock.instance, clock=clock, recipients=people)
    ref, due = _reference(ctx), format_london(clock.due_at)
    _notify(ctx, people, "workflow.sla_reminder",
            f"Reminder: {rule.label} for {ref} is due by {due}",
            f"{rule.label} for {ref} is due by {due}.")


def _breach(ctx: _Context, result: SweepResult) -> None:
    clock = ctx.clock
    if not clock.breached:
        clock.breached = True
        result.breaches += 1
        _event("qa_on_sla_breached", instance=clock.instance, clock=clock, level=0,
               recipients=[])
    for level in range(clock.escalation_level + 1, len(ctx.rule.escalate_after) + 1):
        if ctx.now < escalation_due(clock, ctx.rule, level):
            break
        _escalate(ctx, level)
        result.escalations += 1


def _escalate(ctx: _Context, level: int) -> None:
    clock, rule = ctx.clock, ctx.rule
    role, people = escalation_recipients(clock.instance, rule.escalate_after[level - 1].role)
    clock.escalation_level, clock.escalated_at = level, ctx.now
    _record(ctx, "escalation", level, role, people)
    _event("qa_on_sla_breached", instance=clock.instance, clock=clock, level=level,
           recipients=people)
    ref, due = _reference(ctx), format_london(clock.due_at)
    _notify(ctx, people, "workflow.sla_escalation",
            f"Overdue: {rule.label} for {ref} (escalation {level})",
            f"{rule.label} for {ref} was due by {due} and is not done.\n\n"
            f"It has been escalated to you as {_lower(role_label(role))} "
            f"(escalation level {level}).")


def _record(ctx: _Context, kind: str, level: int, role: str | None, people: list[User]) -> None:
    """One alert row per person; one without a recipient if nobody could be found."""
    if not people:
        log.warning("SLA %s for clock %s: nobody to tell (role %s)", kind, ctx.clock.id, role)
    for person in people or [None]:
        db.session.add(WorkflowAlert(clock_id=ctx.clock.id, kind=kind, level=level, role=role,
                                     recipient_user_id=person.id if person else None,
                                     created_at=ctx.now))


def _notify(ctx: _Context, people: list[User], event: str, subject: str, text: str) -> None:
    """Tell each person in their inbox (and by email as they prefer): reference and link only,
    no names, no identity. The notification carries the sweep's moment, like the alert."""
    from core.notifications import notify

    for note in notify(people, event, subject, text, link=_link(ctx), urgent=ctx.rule.urgent,
                       partnership_id=ctx.clock.instance.partnership_id):
        note.created_at = ctx.now


def _reference(ctx: _Context) -> str:
    instance = ctx.clock.instance
    if ctx.definition.reference:
        return ctx.definition.reference(instance)
    return f"{ctx.definition.label} {instance.id}"


def _link(ctx: _Context) -> str | None:
    """The definition's page for the instance; a link that is not a path inside the service
    is dropped (and logged) rather than stopping the alert."""
    from core.notifications.service import is_relative_link

    path = ctx.definition.link(ctx.clock.instance) if ctx.definition.link else None
    if path is not None and not is_relative_link(path):
        log.warning("workflow %s: link is not a path inside the service; sent without it",
                    ctx.definition.key)
        return None
    return path


def _event(hook: str, **kwargs: Any) -> None:
    current_app.extensions["plugins"].fire(hook, **kwargs)


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]
