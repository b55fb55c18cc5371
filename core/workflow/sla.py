"""SLA clocks: started when an instance enters a state, stopped when it leaves.

Times are computed with `core.workflow.calendar`, so every deadline, reminder and escalation
moment follows the same working-day convention.
"""

from __future__ import annotations

from datetime import datetime

from core.extensions import db
from core.workflow.calendar import before, deadline
from core.workflow.machine import SlaRule, WorkflowDefinition
from core.workflow.models import SlaClock, WorkflowInstance


def start_clocks(instance: WorkflowInstance, definition: WorkflowDefinition,
                 now: datetime) -> list[SlaClock]:
    """Open a clock for each SLA rule of the instance's (new) state."""
    clocks = []
    for rule in definition.state(instance.state).sla:
        due = rule.due(instance, now) if rule.due is not None else deadline(now, rule)
        clock = SlaClock(instance=instance, rule=rule.key, state=instance.state, started_at=now,
                         due_at=due, remind_at=_remind_at(rule, now, due))
        clock.next_check_at = next_check(clock, rule)
        db.session.add(clock)
        clocks.append(clock)
    return clocks


def _remind_at(rule: SlaRule, now: datetime, due: datetime) -> datetime | None:
    """When to remind; None if that moment is already past when the clock starts."""
    if rule.remind_before is None:
        return None
    moment = before(due, rule.remind_before)
    return moment if moment > now else None


def stop_clocks(instance: WorkflowInstance, now: datetime) -> None:
    """Stop the open clocks: met if stopped by the deadline, breached if after it."""
    for clock in instance.clocks:
        if clock.stopped_at is None:
            clock.stopped_at = now
            clock.breached = clock.breached or now > clock.due_at
            clock.next_check_at = None


def rule_of(definition: WorkflowDefinition, clock: SlaClock) -> SlaRule | None:
    """The rule a clock runs under, or None if the definition no longer has it."""
    try:
        state = definition.state(clock.state)
    except KeyError:
        return None
    return next((r for r in state.sla if r.key == clock.rule), None)


def escalation_due(clock: SlaClock, rule: SlaRule, level: int) -> datetime:
    """When escalation `level` (1 = the first step) falls due for this clock."""
    return deadline(clock.due_at, rule.escalate_after[level - 1].after)


def reminder_pending(clock: SlaClock) -> bool:
    return clock.remind_at is not None and clock.reminded_at is None and not clock.breached


def next_check(clock: SlaClock, rule: SlaRule) -> datetime | None:
    """The next moment the sweep must look at this clock, or None if nothing is left."""
    moments = [clock.remind_at] if reminder_pending(clock) else []
    if not clock.breached:
        moments.append(clock.due_at)
    level = clock.escalation_level or 0
    if level < len(rule.escalate_after):
        moments.append(escalation_due(clock, rule, level + 1))
    return min(moments) if moments else None
