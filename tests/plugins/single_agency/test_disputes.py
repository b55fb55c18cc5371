"""Disputes (Haringey 2.11): the stages, their working-day clocks, escalation, the final grade."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from core.extensions import db
from core.tools.models import GradeRecord
from core.workflow.models import SlaClock, WorkflowAlert
from core.workflow.sweep import run_sla_sweep
from plugins.single_agency import cycles, disputes
from plugins.single_agency.disputes import DisputeInvalid
from tests.plugins.single_agency.helpers import complete, send_cycle

pytestmark = pytest.mark.plugins("single_agency")


@pytest.fixture
def accepted(programme, cases, council, rng, frozen):
    cycle, _ = cycles.draw_monthly(programme, 2026, 3, rng)
    audit = next(a for a in send_cycle(programme, cycle, council.qa)
                 if a.team_id == council.team_a.id)
    return complete(audit, council.qa, rng, "requires_improvement")


@pytest.fixture
def dispute(accepted, council, frozen):
    frozen.at(2026, 4, 1, 9, 0)  # Wednesday 1 April 2026, before the Easter weekend
    raised = disputes.raise_dispute(accepted, council.tm_a, "We disagree with the grade for "
                                    "planning: the plan was reviewed in January.")
    db.session.commit()
    return raised


def due(dispute):
    clock = db.session.scalar(select(SlaClock).where(
        SlaClock.instance_id == disputes.instance_of(dispute).id,
        SlaClock.stopped_at.is_(None)))
    return clock.due_at


def dispute_alerts(dispute, kind=None):
    """The reminders and escalations of the dispute's own clocks (the audit's response has
    its own clock running alongside)."""
    clocks = select(SlaClock.id).where(SlaClock.instance_id == disputes.instance_of(dispute).id)
    query = select(WorkflowAlert).where(WorkflowAlert.clock_id.in_(clocks))
    if kind is not None:
        query = query.where(WorkflowAlert.kind == kind)
    return db.session.scalars(query.order_by(WorkflowAlert.id)).all()


def end_of(day: date, bst: bool = True) -> datetime:
    return datetime(day.year, day.month, day.day, 22 if bst else 23, 59, 59, tzinfo=UTC)


def test_only_the_practitioner_or_the_teams_manager_can_dispute(accepted, council):
    assert disputes.refusal_to_raise(accepted, council.tm_care) is not None
    assert disputes.refusal_to_raise(accepted, council.practitioner_a) is None
    with pytest.raises(DisputeInvalid, match="at least 20"):
        disputes.raise_dispute(accepted, council.practitioner_a, "Too harsh.")


def test_each_stage_runs_to_its_working_day_deadline_over_bank_holidays(
        dispute, council, frozen):
    assert due(dispute) == end_of(date(2026, 4, 10))  # 5 working days past Easter
    frozen.at(2026, 4, 9, 14, 0)
    disputes.record_step(dispute, council.tm_a, "Met with the auditor; no agreement.",
                         date(2026, 4, 9))
    assert due(dispute) == end_of(date(2026, 4, 13))  # outcome within 2 working days
    frozen.at(2026, 4, 13, 10, 0)
    disputes.escalate(dispute, council.tm_a, "Still disagree about planning.")
    assert dispute.state == "formal_review" and due(dispute) == end_of(date(2026, 4, 20))
    frozen.at(2026, 4, 20, 10, 0)
    disputes.record_step(dispute, council.qa, "Reviewed with the PSW; file read again.")
    assert due(dispute) == end_of(date(2026, 4, 27))
    frozen.at(2026, 4, 27, 10, 0)
    disputes.escalate(dispute, council.qa, "The team manager does not accept the response.")
    assert dispute.state == "hos_review"
    assert due(dispute) == end_of(date(2026, 5, 5))  # over the early May bank holiday


def test_a_resolution_that_changes_the_grade_is_recorded_with_the_trail(
        dispute, council, frozen):
    frozen.at(2026, 4, 2, 10, 0)
    disputes.record_step(dispute, council.tm_a, "Met on 2 April with the auditor.",
                         date(2026, 4, 2))
    disputes.escalate(dispute, council.tm_a, "No agreement at the meeting.")
    disputes.record_step(dispute, council.qa, "QA reviewed with the PSW.")
    form = {"D-grade": "good", "overall-choice": "good"}
    disputes.resolve(dispute, council.qa, "Planning was reviewed in January: good.", "changed",
                     form)
    db.session.commit()
    audit = dispute.audit
    assert (dispute.state, dispute.outcome, dispute.final_grade) == ("resolved", "changed",
                                                                     "good")
    assert (audit.final_grade, audit.final_stage) == ("good", "dispute")
    assert db.session.scalar(select(GradeRecord.grade).where(
        GradeRecord.subject_id == str(audit.id), GradeRecord.stage == "dispute",
        GradeRecord.domain_code.is_(None))) == "good"
    trail = [(e.transition, e.user_id) for e in disputes.instance_of(dispute).log]
    assert trail == [("start", council.tm_a.id), ("hold_meeting", council.tm_a.id),
                     ("go_formal", council.tm_a.id), ("review_formally", council.qa.id),
                     ("resolve_formally", council.qa.id)]


def test_each_stage_belongs_to_its_people(dispute, council):
    with pytest.raises(DisputeInvalid):
        disputes.record_step(dispute, council.tm_care, "I was not part of this at all.",
                             date(2026, 4, 1))
    disputes.record_step(dispute, council.tm_a, "Met with the auditor.", date(2026, 4, 1))
    disputes.escalate(dispute, council.tm_a, "Not resolved informally.")
    with pytest.raises(DisputeInvalid):
        disputes.record_step(dispute, council.tm_a, "The team manager cannot do this.")


def test_an_upheld_resolution_keeps_the_grade(dispute, council):
    disputes.record_step(dispute, council.tm_a, "Met with the auditor.", date(2026, 4, 1))
    disputes.resolve(dispute, council.tm_a, "We accept the grade after the meeting.", "upheld")
    assert dispute.audit.final_grade == "requires_improvement"
    assert dispute.final_grade == "requires_improvement"


def test_a_late_informal_meeting_is_escalated_to_the_service_manager(dispute, council, frozen):
    run_sla_sweep(datetime(2026, 4, 11, 0, 0, tzinfo=UTC))
    db.session.commit()
    alerts = dispute_alerts(dispute, "escalation")
    assert [(a.role, a.recipient_user_id) for a in alerts] == [("service_manager",
                                                                 council.sm.id)]


def test_the_head_of_service_stage_escalates_to_the_assistant_director(
        dispute, council, frozen):
    disputes.record_step(dispute, council.tm_a, "Met with the auditor.", date(2026, 4, 1))
    disputes.escalate(dispute, council.tm_a, "Not resolved informally.")
    disputes.record_step(dispute, council.qa, "QA reviewed with the PSW.")
    disputes.escalate(dispute, council.qa, "The team manager still disagrees.")
    db.session.commit()
    run_sla_sweep(datetime(2026, 4, 10, 12, 0, tzinfo=UTC))
    assert not dispute_alerts(dispute)
    run_sla_sweep(datetime(2026, 4, 11, 0, 0, tzinfo=UTC))  # due end of Friday 10 April
    db.session.commit()
    [alert] = dispute_alerts(dispute)
    assert (alert.role, alert.recipient_user_id) == ("assistant_director", council.ad.id)
    disputes.escalate(dispute, council.hos, "The head of service cannot resolve it.")
    disputes.resolve(dispute, council.ad, "Independent review upholds the original grade.",
                     "upheld")
    assert dispute.state == "resolved"


def test_one_open_dispute_at_a_time(dispute, council):
    assert disputes.refusal_to_raise(dispute.audit, council.practitioner_a) == (
        "This audit already has a dispute in progress.")
