"""Workflow SLA reminders and escalations reach people's inboxes and email; the alert stays."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from core.extensions import db
from core.notifications.models import Notification
from core.workflow.engine import fire
from core.workflow.models import WorkflowAlert
from core.workflow.sla import rule_of
from core.workflow.sweep import run_sla_sweep

pytestmark = pytest.mark.plugins("example")


@pytest.fixture
def in_qa_check(review, line):
    """Taken for QA check on Monday 2 March 2026 at 10:00; due by the end of Tuesday."""
    fire(review, "submit", line.tm)
    fire(review, "start_qa", line.qa)
    db.session.commit()
    return review


def notifications() -> list[Notification]:
    return list(db.session.scalars(select(Notification).order_by(Notification.id)))


def test_an_sla_reminder_makes_an_inbox_row_and_an_email(in_qa_check, line, outbox, login):
    moment = datetime(2026, 3, 3, 20, 0, tzinfo=UTC)
    run_sla_sweep(moment)
    ref = f"EX-{int(in_qa_check.subject_id):05d}"
    [alert] = db.session.scalars(select(WorkflowAlert)).all()
    [note] = notifications()
    assert (alert.kind, alert.recipient_user_id) == ("reminder", line.qa.id)
    assert (note.recipient_id, note.event, note.created_at) == (
        line.qa.id, "workflow.sla_reminder", moment)
    assert note.subject == f"Reminder: QA check for {ref} is due by 3 March 2026 at 11:59pm"
    assert note.link == f"/example/{in_qa_check.subject_id}"
    assert note.partnership_id == in_qa_check.partnership_id
    [mail] = outbox()
    assert mail["to"] == "qa.a@example.test" and mail["subject"] == note.subject
    assert f"http://127.0.0.1:5000/example/{in_qa_check.subject_id}" in mail["html"]
    assert note.subject in login(line.qa).get("/inbox").text


def test_an_escalation_reaches_the_managers_inbox_and_respects_the_digest(
        in_qa_check, line, outbox, choose):
    choose(line.sm, "digest")
    run_sla_sweep(datetime(2026, 3, 4, 0, 0, 30, tzinfo=UTC))
    [note] = notifications()
    assert (note.recipient_id, note.event, note.email_status) == (
        line.sm.id, "workflow.sla_escalation", "awaiting_digest")
    assert "escalated to you as service manager" in note.body
    assert outbox() == []


def test_an_urgent_rule_emails_at_once_whatever_the_choice(in_qa_check, line, outbox, choose,
                                                          monkeypatch):
    from core.workflow import sweep

    choose(line.sm, "in_app")
    monkeypatch.setattr(sweep, "rule_of", lambda d, c: replace(rule_of(d, c), urgent=True))
    run_sla_sweep(datetime(2026, 3, 4, 0, 0, 30, tzinfo=UTC))
    [note] = notifications()
    assert note.urgent and note.email_status == "queued"
    assert [m["subject"][:15] for m in outbox()] == ["Urgent: Overdue"]
