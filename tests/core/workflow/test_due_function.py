"""An SLA clock whose deadline a function fixes from the calendar (`SlaRule(due=...)`)."""

from __future__ import annotations

from datetime import UTC, datetime

from core.workflow.calendar import end_of_day_utc
from core.workflow.machine import Delay, SlaRule, State, Transition, WorkflowDefinition, problems
from core.workflow.models import WorkflowInstance
from core.workflow.sla import start_clocks


def month_end(instance, started_at: datetime) -> datetime:
    return end_of_day_utc(datetime(2026, 3, 31).date())


RULE = SlaRule("report", "Report", due=month_end, remind_before=Delay(working_days=3))
FLOW = WorkflowDefinition("example.monthly", [State("open", "Open", sla=[RULE]),
                                              State("done", "Done", terminal=True)],
                          [Transition("finish", "Finish", ("open",), "done", "example.edit")],
                          "open")


def test_a_due_function_sets_the_deadline_and_reminders_count_back_in_working_days(app):
    instance = WorkflowInstance(workflow=FLOW.key, subject_type="x", subject_id="1",
                                partnership_id=1, state="open")
    clock = start_clocks(instance, FLOW, datetime(2026, 3, 9, 10, 0, tzinfo=UTC))[0]
    assert clock.due_at == datetime(2026, 3, 31, 22, 59, 59, tzinfo=UTC)  # BST from 29 March
    # three working days before the end of Tuesday 31 March: the end of Thursday 26 March
    assert clock.remind_at == datetime(2026, 3, 26, 23, 59, 59, tzinfo=UTC)


def test_a_rule_with_a_due_function_needs_no_span_but_cannot_have_both():
    assert problems(FLOW, {"example.edit"}) == []
    both = SlaRule("report", "Report", due=month_end, working_days=5)
    flow = WorkflowDefinition("example.both", [State("open", "Open", sla=[both]),
                                               State("done", "Done", terminal=True)],
                              FLOW.transitions, "open")
    assert problems(flow, {"example.edit"}) == [
        "state 'open': SLA 'report' has a due function and a span: give one of them"]
