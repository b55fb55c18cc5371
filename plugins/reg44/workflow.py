"""A visit's workflow: scheduled → report being written → report finished → report sent.

Two clocks, both on core's SLA machinery so reminders and escalations go through the SLA sweep:
- while scheduled, the visit is due by the last working day of its month; the visitor is
  reminded five working days before and the head of service hears one working day after;
- once the visit has happened, the report is due by the end of the month of the visit (reg. 44)
  and stays due until it has been sent to the provider, Ofsted and the placing authority; the
  visitor is reminded three working days before.
The states are mirrored on `Visit.state` by the transition hook (`plugin.py`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from core.toolkit import (
    Delay,
    EscalationStep,
    SlaRule,
    State,
    Transition,
    WorkflowDefinition,
    db,
    end_of_day_utc,
)
from plugins.reg44 import clock
from plugins.reg44.independence import independence_problems
from plugins.reg44.models import Visit
from plugins.reg44.permissions import DISTRIBUTE, MANAGE, VISIT
from plugins.reg44.vocab import REQUIRED_RECIPIENTS

KEY = "reg44.visit"
SUBJECT = "reg44.visit"


def visit_of(instance: Any) -> Visit:
    return db.session.get(Visit, int(instance.subject_id))


def _visitor(instance: Any) -> list[int]:
    visit = visit_of(instance)
    return [visit.visitor_id] if visit is not None and visit.visitor_id else []


def _visit_due(instance: Any, started_at: datetime) -> datetime:
    return end_of_day_utc(visit_of(instance).due_on)


def _report_due(instance: Any, started_at: datetime) -> datetime:
    visit = visit_of(instance)
    return clock.end_of_month_utc(visit.visited_on or visit.month)


# --- guards ---------------------------------------------------------------------------------


def assigned_and_independent(instance: Any, user: Any) -> str | None:
    """Only the visit's own independent person writes it, and only while independent."""
    visit = visit_of(instance)
    if visit.visitor_id != user.id:
        return "Only the independent person assigned to this visit can record it."
    problems = independence_problems(user, visit.home)
    return problems[0] if problems else None


def visit_recorded(instance: Any, user: Any) -> str | None:
    visit = visit_of(instance)
    if visit.visited_on is None:
        return "Record the date of the visit first."
    return None


def report_complete(instance: Any, user: Any) -> str | None:
    from plugins.reg44.report_checks import missing_parts

    missing = missing_parts(visit_of(instance))
    return f"The report is not finished: {missing[0]}" if missing else None


def sent_to_everyone(instance: Any, user: Any) -> str | None:
    sent = {d.recipient for d in visit_of(instance).distributions}
    missing = [r for r in REQUIRED_RECIPIENTS if r not in sent]
    if missing:
        return "Record that the report went to the provider, Ofsted and the placing authority."
    return None


def reference(instance: Any) -> str:
    visit = visit_of(instance)
    return visit.reference if visit is not None else f"Regulation 44 visit {instance.subject_id}"


def link(instance: Any) -> str:
    return f"/reg44/visits/{instance.subject_id}"


VISIT_DUE = SlaRule(
    "visit", "Regulation 44 visit", due=_visit_due,
    remind_before=Delay(working_days=5), owners=_visitor,
    escalate_after=(EscalationStep("head_of_service", Delay(working_days=1)),),
)
REPORT_DUE = SlaRule(
    "report", "Regulation 44 report", due=_report_due,
    remind_before=Delay(working_days=3), owners=_visitor,
    escalate_after=(EscalationStep("head_of_service", Delay(working_days=1)),),
)

VISIT_WORKFLOW = WorkflowDefinition(
    KEY,
    states=[
        State("scheduled", "Scheduled", sla=[VISIT_DUE]),
        State("drafting", "Report being written", sla=[REPORT_DUE]),
        State("finalised", "Report finished", sla=[REPORT_DUE]),
        State("distributed", "Report sent", terminal=True),
        State("cancelled", "Cancelled", terminal=True),
    ],
    transitions=[
        Transition("record", "Record the visit", ("scheduled",), "drafting", VISIT,
                   refusal="Only the independent person assigned to the visit can record it.",
                   guards=[assigned_and_independent, visit_recorded]),
        Transition("finalise", "Finish the report", ("drafting",), "finalised", VISIT,
                   refusal="Only the independent person who visited can finish the report.",
                   guards=[assigned_and_independent, report_complete]),
        Transition("reopen", "Reopen the report", ("finalised",), "drafting", VISIT,
                   refusal="Only the independent person who visited can reopen the report.",
                   guards=[assigned_and_independent]),
        Transition("distribute", "Mark the report as sent", ("finalised",), "distributed",
                   DISTRIBUTE, guards=[sent_to_everyone]),
        Transition("cancel", "Cancel the visit", ("scheduled",), "cancelled", MANAGE,
                   refusal="Only those who plan Regulation 44 visits can cancel one."),
    ],
    initial="scheduled",
    label="Regulation 44 visit",
    reference=reference,
    link=link,
)
