"""The SLA sweep with a frozen clock: remind before, escalate up the line after, once each."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import current_app
from sqlalchemy import select

from core.extensions import db
from core.jobs import enqueue
from core.jobs.models import JobRecord
from core.workflow.engine import fire
from core.workflow.models import SlaClock, WorkflowAlert
from core.workflow.sweep import run_sla_sweep
from tests.fixtures.plugins.example import workflow as example_workflow

pytestmark = pytest.mark.plugins("example")


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def alerts() -> list[tuple]:
    rows = db.session.scalars(select(WorkflowAlert).order_by(WorkflowAlert.id))
    return [(a.kind, a.level, a.role, a.recipient_user_id) for a in rows]


def outbox() -> list[dict]:
    return current_app.extensions.get("mail_outbox", [])


@pytest.fixture
def in_qa_check(review, line, frozen):
    """Submitted and taken for QA check on Monday 2 March 2026 at 10:00 (due Tuesday)."""
    fire(review, "submit", line.tm)
    fire(review, "start_qa", line.qa)
    db.session.commit()
    example_workflow.EVENTS.clear()
    return review


def test_the_qa_check_reminds_before_and_escalates_after_once_each(in_qa_check, line):
    ref = f"EX-{int(in_qa_check.subject_id):05d}"
    assert run_sla_sweep(at(2026, 3, 3, 12, 0)).reminders == 0  # Tuesday noon: not yet
    assert alerts() == []

    run_sla_sweep(at(2026, 3, 3, 20, 0))  # within 4 hours of 23:59:59 on Tuesday
    run_sla_sweep(at(2026, 3, 3, 20, 0))
    assert alerts() == [("reminder", 0, None, line.qa.id)]
    assert [m["to"] for m in outbox()] == ["qa.a@example.test"]

    run_sla_sweep(at(2026, 3, 4, 0, 0, 30))  # just past the deadline: the service manager
    run_sla_sweep(at(2026, 3, 4, 0, 0, 30))
    assert alerts()[1:] == [("escalation", 1, "service_manager", line.sm.id)]
    assert run_sla_sweep(at(2026, 3, 5, 23, 0)).escalations == 0  # Thursday: still level 1

    run_sla_sweep(at(2026, 3, 6, 0, 0, 30))  # 2 working days later: the head of service
    run_sla_sweep(at(2026, 3, 6, 0, 0, 30))
    run_sla_sweep(at(2026, 3, 20, 9, 0))  # no more steps: nothing more, however late
    assert alerts()[1:] == [("escalation", 1, "service_manager", line.sm.id),
                            ("escalation", 2, "head_of_service", line.hos.id)]
    assert [m["to"] for m in outbox()] == ["qa.a@example.test", "sm.a@example.test",
                                           "hos.a@example.test"]
    assert [m["subject"] for m in outbox()] == [
        f"Reminder: QA check for {ref} is due by 3 March 2026 at 11:59pm",
        f"Overdue: QA check for {ref} (escalation 1)",
        f"Overdue: QA check for {ref} (escalation 2)",
    ]


def test_the_events_are_fired_once_per_reminder_breach_and_level(in_qa_check, line):
    for moment in (at(2026, 3, 3, 20, 0), at(2026, 3, 4, 0, 0, 30), at(2026, 3, 6, 0, 0, 30)):
        run_sla_sweep(moment)
        run_sla_sweep(moment)
    expected = [
        ("reminder", "qa_check", [line.qa.id]),
        ("breached", "qa_check", 0, []),
        ("breached", "qa_check", 1, [line.sm.id]),
        ("breached", "qa_check", 2, [line.hos.id]),
    ]
    assert list(example_workflow.EVENTS) == expected


def test_the_clock_records_the_breach_and_the_level_reached(in_qa_check):
    run_sla_sweep(at(2026, 3, 4, 0, 0, 30))
    clock = db.session.scalar(select(SlaClock))
    assert (clock.breached, clock.escalation_level) == (True, 1)
    assert clock.escalated_at == at(2026, 3, 4, 0, 0, 30)
    assert clock.next_check_at == at(2026, 3, 5, 23, 59, 59)  # end of Thursday (GMT)


def test_a_sweep_that_runs_late_sends_every_level_due_but_skips_the_stale_reminder(in_qa_check):
    result = run_sla_sweep(at(2026, 3, 9, 9, 0))  # the following Monday
    assert (result.reminders, result.breaches, result.escalations) == (0, 1, 2)
    assert [a[:3] for a in alerts()] == [("escalation", 1, "service_manager"),
                                         ("escalation", 2, "head_of_service")]


def test_leaving_the_state_in_time_stops_every_alert(in_qa_check, line, frozen):
    frozen.at(2026, 3, 3, 15, 0)
    fire(in_qa_check, "accept", line.qa)
    db.session.commit()
    run_sla_sweep(at(2026, 3, 20, 9, 0))
    assert alerts() == []
    assert outbox() == []


def test_emails_carry_the_reference_and_a_link_but_no_identity(in_qa_check, note, line):
    run_sla_sweep(at(2026, 3, 4, 0, 0, 30))
    [mail] = outbox()
    assert f"http://127.0.0.1:5000/example/{note.id}" in mail["body"]
    assert f"EX-{note.id:05d}" in mail["body"]
    for secret in (note.text, note.case_id, line.sm.name, line.qa.name, line.tm.email):
        assert secret not in mail["body"] and secret not in mail["subject"]


def test_a_vacant_role_escalates_to_the_next_one_up(in_qa_check, line):
    line.sm.active = False
    db.session.commit()
    run_sla_sweep(at(2026, 3, 4, 0, 0, 30))
    assert alerts() == [("escalation", 1, "head_of_service", line.hos.id)]


def test_the_amendment_clock_reminds_the_person_who_submitted(review, line, frozen):
    fire(review, "submit", line.tm)
    fire(review, "start_qa", line.qa)
    fire(review, "return", line.qa)  # Monday 2 March: amendments due Thursday 5 March
    db.session.commit()
    run_sla_sweep(at(2026, 3, 4, 12, 0))  # still before the end of Wednesday
    assert alerts() == []
    run_sla_sweep(at(2026, 3, 5, 0, 0, 30))  # the last working day has begun
    assert alerts() == [("reminder", 0, None, line.tm.id)]


def test_the_sweep_runs_as_the_scheduled_core_job(app, in_qa_check, frozen):
    schedules = {s.name: s for _, s in app.extensions["schedules"]}
    assert schedules["core.sla_sweep"].cron == "*/15 * * * *"
    frozen.at(2026, 3, 4, 0, 0, 30)
    record = enqueue("core.sla_sweep")
    db.session.commit()
    db.session.expire_all()
    job = db.session.get(JobRecord, record.id)
    assert job.status == "finished", job.error_type
    assert [a[:2] for a in alerts()] == [("escalation", 1)]
