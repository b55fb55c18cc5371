"""Sharing the accepted report and the team's response (Haringey 2.8-2.9), Havering's head of
service review of inadequate audits, with frozen time over the Easter bank holidays."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from core.extensions import db
from core.notifications.models import Notification
from core.workflow.models import SlaClock, WorkflowAlert, WorkflowInstance
from core.workflow.sweep import run_sla_sweep
from plugins.single_agency import cycles, responses
from plugins.single_agency.models import AuditResponse
from tests.plugins.single_agency.helpers import complete, date_parts

pytestmark = pytest.mark.plugins("single_agency")


@pytest.fixture
def audit(programme, cases, council, rng):
    cycle, _ = cycles.draw_monthly(programme, 2026, 3, rng)
    audit = next(a for a in cycle.audits if a.team_id == council.team_a.id)
    cycles.set_auditor(audit, council.tm_care)
    cycles.send(cycle, council.qa)
    db.session.commit()
    return audit


def clock_of(response, workflow="single_agency.response"):
    return db.session.scalar(select(SlaClock).join(WorkflowInstance).where(
        WorkflowInstance.workflow == workflow, WorkflowInstance.subject_id == str(response.id),
        SlaClock.stopped_at.is_(None)))


def escalations():
    return [(a.role, a.recipient_user_id) for a in db.session.scalars(
        select(WorkflowAlert).where(WorkflowAlert.kind == "escalation")
        .order_by(WorkflowAlert.level, WorkflowAlert.id))]


def told(event):
    return {n.recipient_id for n in db.session.scalars(select(Notification).where(
        Notification.event == f"single_agency.{event}"))}


def form(response, **extra):
    return {"version": str(response.version), **date_parts("discussed", date(2026, 4, 2)),
            "discussion": "We went through the audit and the chronology together.",
            "agreed": "Chronology updated by the practitioner by 30 April.", **extra}


def test_a_good_audit_goes_to_the_practitioner_and_tm_with_10_working_days(
        audit, council, rng, frozen):
    frozen.at(2026, 4, 2, 10, 0)  # Thursday before Good Friday and Easter Monday
    complete(audit, council.qa, rng, "good")
    response = responses.response_of(audit)
    assert set(response.shared_with) == {council.practitioner_a.id, council.tm_a.id}
    assert told("report_shared") == {council.practitioner_a.id, council.tm_a.id}
    assert response.due_on == date(2026, 4, 20)  # 10 working days, Easter not counted
    assert clock_of(response).due_at == datetime(2026, 4, 20, 22, 59, 59, tzinfo=UTC)


def test_an_inadequate_audit_also_goes_to_sm_and_hos_with_5_working_days(
        audit, council, rng, frozen):
    frozen.at(2026, 4, 2, 10, 0)
    complete(audit, council.qa, rng, "inadequate")
    response = responses.response_of(audit)
    assert set(response.shared_with) == {council.practitioner_a.id, council.tm_a.id,
                                         council.sm.id, council.hos.id}
    assert response.due_on == date(2026, 4, 13)
    assert not response.hos_review  # Havering's option is off by default


def test_a_late_response_is_chased_then_escalated_to_the_service_manager(
        audit, council, rng, frozen):
    complete(audit, council.qa, rng, "good")  # Monday 2 March: due Monday 16 March
    response = responses.response_of(audit)
    assert clock_of(response).remind_at == datetime(2026, 3, 13, 23, 59, 59, tzinfo=UTC)
    run_sla_sweep(datetime(2026, 3, 14, 1, 0, tzinfo=UTC))
    reminded = {a.recipient_user_id for a in db.session.scalars(
        select(WorkflowAlert).where(WorkflowAlert.kind == "reminder"))}
    assert reminded == {council.tm_a.id, council.practitioner_a.id}
    run_sla_sweep(datetime(2026, 3, 16, 23, 30, tzinfo=UTC))
    assert escalations() == []
    run_sla_sweep(datetime(2026, 3, 17, 0, 0, 1, tzinfo=UTC))
    assert escalations() == [("service_manager", council.sm.id)]
    assert clock_of(response).breached


def test_the_tm_records_the_discussion_and_the_clock_stops(audit, council, rng, frozen):
    complete(audit, council.qa, rng, "good")
    response = responses.response_of(audit)
    frozen.at(2026, 4, 2, 10, 0)
    with pytest.raises(responses.ResponseInvalid) as refused:
        responses.record_response(response, form(response, discussion="", agreed=""),
                                  council.tm_a)
    assert set(refused.value.errors) == {"discussion", "agreed"}
    with pytest.raises(responses.ResponseInvalid):
        responses.record_response(response, form(response), council.tm_care)  # other team
    responses.record_response(response, form(response), council.tm_a)
    db.session.commit()
    assert (response.state, response.discussed_on) == ("recorded", date(2026, 4, 2))
    assert clock_of(response) is None
    assert told("response_recorded") >= {council.tm_care.id, council.qa.id}


def test_havering_option_hos_reviews_within_24_hours_and_decides_within_3_working_days(
        audit, council, programme, rng, frozen):
    programme.hos_review_inadequate = True
    db.session.commit()
    frozen.at(2026, 4, 2, 10, 0)
    complete(audit, council.qa, rng, "inadequate")
    response = responses.response_of(audit)
    assert response.hos_review and response.hos_decision_due_on == date(2026, 4, 9)
    assert council.hos.id in told("hos_review")
    assert clock_of(response, "single_agency.hos_review").due_at == datetime(
        2026, 4, 3, 10, 0, tzinfo=UTC)
    run_sla_sweep(datetime(2026, 4, 3, 10, 1, tzinfo=UTC))
    assert ("assistant_director", council.ad.id) in escalations()

    frozen.at(2026, 4, 3, 11, 0)
    with pytest.raises(responses.ResponseInvalid):  # the TM cannot record the HoS review
        responses.record_hos_review(response, {"version": str(response.version),
                                               "hos_notes": "Reviewed the file."},
                                    council.tm_a)
    db.session.rollback()
    responses.record_hos_review(response, {"version": str(response.version),
                                           "hos_notes": "Reviewed the file with the SM."},
                                council.hos)
    db.session.commit()
    decision = clock_of(response, "single_agency.hos_review")
    assert decision.due_at == datetime(2026, 4, 9, 22, 59, 59, tzinfo=UTC)
    responses.record_hos_review(response, {"version": str(response.version),
                                           "meeting_needed": "yes"}, council.hos)
    db.session.commit()
    assert response.meeting_needed is True and clock_of(
        response, "single_agency.hos_review") is None


def test_a_re_audit_no_better_is_shared_with_sm_and_hos(audit, council, programme, rng, frozen):
    complete(audit, council.qa, rng, "requires_improvement")
    frozen.at(2026, 6, 1, 9, 0)
    cycle, _ = cycles.draw_monthly(programme, 2026, 6, rng)
    again = next(a for a in cycle.audits if a.kind == "re_audit")
    cycles.set_auditor(again, council.tm_care)
    cycles.send(cycle, council.qa)
    db.session.commit()
    complete(again, council.qa, rng, "requires_improvement")
    shared = db.session.scalar(select(AuditResponse).where(AuditResponse.audit_id == again.id))
    assert {council.sm.id, council.hos.id} <= set(shared.shared_with)


def test_the_response_page_records_the_discussion(login, audit, council, rng, frozen):
    complete(audit, council.qa, rng, "good")
    response = responses.response_of(audit)
    frozen.at(2026, 4, 2, 10, 0)
    path = f"/single_agency/audits/{audit.id}/response"
    assert login(council.sw_care).get(path).status_code == 404  # another team's practitioner
    client = login(council.tm_a)
    assert "Record the response" in client.get(path).text
    bad = client.post(path, data=form(response, agreed=""))
    assert bad.status_code == 400 and "govuk-error-summary" in bad.text
    assert "We went through the audit" in bad.text  # what was typed is kept
    done = client.post(path, data=form(response), follow_redirects=True)
    assert "Chronology updated by the practitioner" in done.text
    assert login(council.practitioner_a).post(path, data=form(response)).status_code == 400
