"""The QA check (1 working day), amendments (3) and safety alerts (24 hours, then HoS, AD,
Director), with frozen time over bank holidays."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from core.extensions import db
from core.notifications.models import Notification
from core.workflow.models import SlaClock, WorkflowAlert
from core.workflow.sweep import run_sla_sweep
from plugins.single_agency import alerts, audits, cycles, qa
from plugins.single_agency.alerts import AlertInvalid
from plugins.single_agency.models import SafetyAlert
from tests.plugins.single_agency.helpers import carry_out, send_cycle, submit

pytestmark = pytest.mark.plugins("single_agency")


@pytest.fixture
def audit(programme, cases, council, rng):
    cycle, _ = cycles.draw_monthly(programme, 2026, 3, rng)
    audit = next(a for a in cycle.audits if a.team_id == council.team_a.id)
    cycles.set_auditor(audit, council.tm_care)  # the care team's manager, whose SM is `sm`
    send_cycle(programme, cycle, council.qa)
    return audit


def open_clock(audit_id, workflow="single_agency.audit"):
    from core.workflow.models import WorkflowInstance

    return db.session.scalar(select(SlaClock).join(WorkflowInstance).where(
        WorkflowInstance.workflow == workflow, WorkflowInstance.subject_id == str(audit_id),
        SlaClock.stopped_at.is_(None)))


def test_the_qa_check_is_due_by_the_end_of_the_next_working_day_after_christmas(
        audit, council, frozen):
    frozen.at(2026, 12, 24, 10, 0)  # Christmas Eve, a Thursday
    carry_out(audit)
    submit(audit)
    clock = open_clock(audit.id)
    # Christmas Day, the weekend and the Boxing Day substitute (Monday 28th) do not count
    assert clock.due_at == datetime(2026, 12, 29, 23, 59, 59, tzinfo=UTC)
    run_sla_sweep(datetime(2026, 12, 29, 23, 0, tzinfo=UTC))
    assert not open_clock(audit.id).breached
    run_sla_sweep(datetime(2026, 12, 30, 0, 0, 1, tzinfo=UTC))
    assert open_clock(audit.id).breached


def test_amendments_are_due_in_3_working_days_then_go_to_the_auditors_sm_and_hos(
        audit, council, frozen, rng):
    carry_out(audit)
    submit(audit)
    frozen.at(2026, 5, 22, 11, 0)  # Friday before the spring bank holiday
    qa.return_for_amendment(audit, council.qa, "Evidence for standard C is missing.")
    db.session.commit()
    clock = open_clock(audit.id)
    assert clock.due_at == datetime(2026, 5, 28, 22, 59, 59, tzinfo=UTC)  # Thursday, BST
    assert clock.remind_at == datetime(2026, 5, 27, 22, 59, 59, tzinfo=UTC)
    run_sla_sweep(datetime(2026, 5, 28, 6, 0, tzinfo=UTC))
    reminded = db.session.scalars(select(WorkflowAlert).where(
        WorkflowAlert.kind == "reminder")).all()
    assert [a.recipient_user_id for a in reminded] == [council.tm_care.id]
    run_sla_sweep(datetime(2026, 5, 29, 6, 0, tzinfo=UTC))
    run_sla_sweep(datetime(2026, 6, 1, 23, 30, tzinfo=UTC))  # two working days later
    escalated = db.session.scalars(select(WorkflowAlert).where(
        WorkflowAlert.kind == "escalation").order_by(WorkflowAlert.level)).all()
    assert [(a.role, a.recipient_user_id) for a in escalated] == [
        ("service_manager", council.sm.id), ("head_of_service", council.hos.id)]


def raise_concern(audit):
    return audits.save_safety_check(audit, {
        "version": str(audit.version), "child_safety_concern": "yes",
        "supervision_recent": "no", "safety_notes": "Unexplained bruising noted in March."},
        audit.auditor)


def test_a_safety_concern_raises_an_alert_at_once_and_tells_tm_and_sm_urgently(
        audit, council, frozen):
    raised = raise_concern(audit)
    db.session.commit()
    assert sorted(a.reason for a in raised) == ["child_safety", "no_supervision"]
    urgent = db.session.scalars(select(Notification).where(
        Notification.event == "single_agency.safety_alert")).all()
    assert {n.recipient_id for n in urgent} == {council.tm_a.id, council.sm.id}
    assert all(n.urgent and n.email_status == "queued" for n in urgent)
    assert "Child" not in " ".join(n.subject + n.body for n in urgent)  # codes only
    assert raise_concern(audit) == []  # saved again: no second alert


def test_an_unresolved_alert_climbs_to_hos_then_ad_then_director(audit, council, frozen):
    frozen.at(2026, 8, 28, 15, 0)  # Friday before the summer bank holiday
    raise_concern(audit)
    db.session.commit()
    alert = db.session.scalars(select(SafetyAlert)).first()
    clock = open_clock(alert.id, "single_agency.alert")
    assert clock.due_at == datetime(2026, 8, 29, 15, 0, tzinfo=UTC)  # 24 hours, weekend or not
    for moment in ((2026, 8, 29, 15, 1), (2026, 9, 7, 23, 59, 59), (2026, 9, 14, 23, 59)):
        run_sla_sweep(datetime(*moment, tzinfo=UTC))
    run_sla_sweep(datetime(2026, 9, 15, 0, 0, tzinfo=UTC))
    steps = db.session.scalars(select(WorkflowAlert).where(
        WorkflowAlert.kind == "escalation").order_by(WorkflowAlert.level, WorkflowAlert.id))
    assert sorted({(a.level, a.role) for a in steps}) == [
        (1, "head_of_service"), (2, "assistant_director"), (3, "director")]


def test_the_alert_is_resolved_with_the_response_recorded(audit, council, frozen):
    raise_concern(audit)
    db.session.commit()
    alert = db.session.scalars(select(SafetyAlert)).first()
    with pytest.raises(AlertInvalid):
        alerts.resolve_alert(alert, council.practitioner_a, "Visited the child today.")
    db.session.rollback()
    alerts.resolve_alert(alert, council.tm_a, "Visited the child today; strategy meeting held.")
    db.session.commit()
    assert alert.state == "resolved" and open_clock(alert.id, "single_agency.alert") is None
