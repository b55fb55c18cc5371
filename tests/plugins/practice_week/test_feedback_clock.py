"""Written feedback is due within two weeks (ten working days) of the observation: the
observer is reminded, told when it is overdue, and the head of service hears a day later."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from core.extensions import db
from core.notifications.models import Notification
from core.workflow.models import SlaClock, WorkflowAlert
from core.workflow.sweep import run_sla_sweep
from plugins.practice_week import observations
from tests.plugins.practice_week import helpers as h


@pytest.fixture
def recorded(pw, frozen):
    week = h.make_week(pw, pw.dcs)
    obs = h.observe(pw, week, pw.dcs, pw.sw1)
    frozen.at(2026, 10, 6, 15, 0)
    h.record(obs, pw.dcs)
    return obs


def feedback_clock():
    return db.session.scalar(select(SlaClock).where(SlaClock.rule == "written_feedback"))


def test_the_clock_runs_to_the_end_of_the_tenth_working_day(recorded):
    clock = feedback_clock()
    # observed Tuesday 6 October 2026: due at the end of Tuesday 20 October (BST)
    assert clock.due_at == datetime(2026, 10, 20, 22, 59, 59, tzinfo=UTC)
    assert clock.remind_at == datetime(2026, 10, 15, 22, 59, 59, tzinfo=UTC)


def test_the_observer_is_reminded_then_told_it_is_overdue_then_the_hos_hears(pw, recorded,
                                                                            frozen):
    run_sla_sweep(datetime(2026, 10, 14, 9, 0, tzinfo=UTC))
    assert db.session.scalars(select(WorkflowAlert)).all() == []

    run_sla_sweep(datetime(2026, 10, 16, 9, 0, tzinfo=UTC))
    reminded = db.session.scalars(select(WorkflowAlert).where(WorkflowAlert.kind == "reminder"))
    assert [a.recipient_user_id for a in reminded] == [pw.dcs.id]

    frozen.at(2026, 10, 21, 9, 0)
    run_sla_sweep(frozen.now)
    db.session.commit()
    overdue = db.session.scalars(select(Notification).where(
        Notification.event == "practice_week.overdue"))
    assert [n.recipient_id for n in overdue] == [pw.dcs.id]
    assert observations.feedback_on_time(recorded) is False

    run_sla_sweep(datetime(2026, 10, 22, 9, 0, tzinfo=UTC))
    escalated = db.session.scalars(select(WorkflowAlert).where(
        WorkflowAlert.kind == "escalation"))
    assert [a.recipient_user_id for a in escalated] == [pw.hos.id]


def test_feedback_sent_in_time_stops_the_clock_and_counts_as_on_time(pw, recorded, frozen):
    frozen.at(2026, 10, 19, 12, 0)
    h.share(recorded, pw.dcs)
    assert feedback_clock().stopped_at is not None
    run_sla_sweep(datetime(2026, 10, 23, 9, 0, tzinfo=UTC))
    assert db.session.scalars(select(WorkflowAlert)).all() == []
    assert observations.feedback_on_time(recorded) is True


def test_feedback_sent_late_counts_as_late(pw, recorded, frozen):
    frozen.at(2026, 10, 21, 12, 0)
    h.share(recorded, pw.dcs)
    assert observations.feedback_on_time(recorded) is False


def test_feedback_cannot_be_sent_before_verbal_feedback_is_recorded(pw, recorded, login):
    recorded.verbal_feedback_on = None
    db.session.commit()
    page = login(pw.dcs).post(f"/practice_week/observations/{recorded.id}/share",
                              data={"version": str(recorded.version)})
    assert page.status_code == 400
    assert "record when verbal feedback was given" in page.text
