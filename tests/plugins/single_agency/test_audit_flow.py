"""An audit from allocation to acceptance: both gradings kept, the QA check, drafts."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from core.cases.models import CaseAssignment
from core.extensions import db
from core.tools.models import GradeRecord
from plugins.single_agency import audits, qa
from plugins.single_agency import cycles as cycle_service
from plugins.single_agency.audits import AuditInvalid, StaleAudit
from tests.plugins.single_agency.helpers import (
    add_an_action,
    carry_out,
    grading_form,
    send_cycle,
    submit,
)

pytestmark = pytest.mark.plugins("single_agency")


@pytest.fixture
def audit(programme, cases, council, rng):
    cycle, _ = cycle_service.draw_monthly(programme, 2026, 3, rng)
    sent = send_cycle(programme, cycle, council.qa)
    return next(a for a in sent if a.team_id == council.team_a.id)


def stages(audit):
    rows = db.session.scalars(select(GradeRecord).where(
        GradeRecord.subject_id == str(audit.id), GradeRecord.domain_code.is_(None))
        .order_by(GradeRecord.id))
    return [(r.stage, r.grade) for r in rows]


def test_the_file_review_grading_and_the_grading_after_the_conversation_are_both_kept(
        audit, council):
    carry_out(audit, default="good", before={"default": "requires_improvement"})
    submit(audit)
    assert stages(audit) == [("file_review", "requires_improvement"),
                             ("after_conversation", "good")]
    assert audit.state == "qa_check"


def test_every_grade_is_placed_in_the_audits_council_and_team_for_reports(audit, council):
    carry_out(audit)
    submit(audit)
    rows = db.session.scalars(select(GradeRecord).where(
        GradeRecord.subject_id == str(audit.id))).all()
    assert {(r.partnership_id, r.agency_id, r.team_id) for r in rows} == {
        (audit.partnership_id, council.agency.id, council.team_a.id)}


def test_an_audit_cannot_be_submitted_until_every_section_is_done(audit):
    with pytest.raises(AuditInvalid) as refused:
        qa.submit(audit, audit.auditor, str(audit.version))
    assert set(refused.value.errors) == {"file_review", "safety", "conversation", "family",
                                         "summary"}


def test_below_good_needs_an_agreed_action_before_submitting(audit, council):
    carry_out(audit, default="requires_improvement")
    with pytest.raises(AuditInvalid) as refused:
        qa.submit(audit, audit.auditor, str(audit.version))
    assert set(refused.value.errors) == {"actions"}
    add_an_action(audit, council.practitioner_a, date(2026, 3, 20))
    submit(audit)
    assert audit.state == "qa_check"


def test_a_half_finished_file_review_is_saved_and_says_what_is_missing(audit):
    form = grading_form(audit)
    del form["A-grade"], form["q-A1"]
    missing = audits.save_file_review(audit, form, audit.auditor, finish=True)
    db.session.commit()
    assert set(missing) == {"A-grade", "q-A1"}
    assert audit.file_review["B"]["grade"] == "good" and audit.file_review_done_at is None


def test_a_save_from_a_page_opened_before_someone_elses_save_is_refused(audit):
    opened = str(audit.version)
    audits.save_summary(audit, {"version": opened, "strengths": "First"}, audit.auditor)
    db.session.commit()
    with pytest.raises(StaleAudit):
        audits.save_summary(audit, {"version": opened, "strengths": "Second"}, audit.auditor)
    db.session.rollback()
    assert audit.strengths == "First"


def test_only_the_allocated_auditor_changes_the_audit(audit, council):
    with pytest.raises(AuditInvalid, match="Only the allocated auditor"):
        audits.save_summary(audit, {"version": str(audit.version)}, council.qa)


def test_the_qa_team_returns_an_audit_with_comments_and_accepts_it_once_amended(
        audit, council, rng):
    carry_out(audit)
    submit(audit)
    with pytest.raises(AuditInvalid, match="amend"):
        qa.return_for_amendment(audit, council.qa, "short")
    qa.return_for_amendment(audit, council.qa, "Add the evidence for standard C, please.")
    db.session.commit()
    assert audit.state == "returned" and audit.qa_comments.startswith("Add the evidence")
    audits.save_summary(audit, {"version": str(audit.version), "strengths": "Clear plan.",
                                "development": "Chronology and evidence for C."}, audit.auditor)
    submit(audit)
    qa.accept(audit, council.qa, rng)
    db.session.commit()
    assert audit.state == "accepted" and audit.final_grade == "good"
    still_open = db.session.scalar(select(CaseAssignment).where(
        CaseAssignment.case_id == audit.case_id, CaseAssignment.closed_at.is_(None)))
    assert still_open is None


def test_the_auditor_cannot_check_their_own_audit(audit, council, rng):
    audit.auditor_id = council.qa.id
    db.session.commit()
    carry_out(audit)
    submit(audit)
    with pytest.raises(AuditInvalid, match="carried out yourself"):
        qa.accept(audit, council.qa, rng)
    db.session.rollback()
    qa.accept(audit, council.qa_manager, rng)
    assert audit.state == "accepted"


def test_acceptance_raises_the_agreed_actions_on_the_tracker(audit, council, rng, login):
    from core.actions.models import Action

    carry_out(audit, default="requires_improvement")
    add_an_action(audit, council.practitioner_a, date(2026, 3, 20))
    submit(audit)
    qa.accept(audit, council.qa, rng)
    db.session.commit()
    [action] = db.session.scalars(select(Action)).all()
    assert (action.source_activity, action.source_ref, action.case_id) == (
        "single_agency", audit.reference, audit.case_id)
    assert (action.owner_user_id, str(action.due_date)) == (council.practitioner_a.id,
                                                            "2026-03-20")
    assert audit.actions[0]["raised_id"] == action.id
    page = login(council.tm_a).get(f"/single_agency/audits/{audit.id}").text
    assert "Actions on the tracker" in page and f"/actions/{action.id}" in page


def test_a_family_contact_is_shared_with_the_other_activities(audit, app, monkeypatch):
    from datetime import date as day

    heard = []
    monkeypatch.setattr(app.extensions["plugins"], "fire",
                        lambda hook, **kw: heard.append((hook, kw)))
    audits.add_contact(audit, {"contact_with": "child", "outcome": "no_contact",
                               "by_whom": "Auditor", "contacted-day": "2",
                               "contacted-month": "3", "contacted-year": "2026"}, audit.auditor)
    [(_hook, kwargs)] = [h for h in heard if h[0] == "qa_on_family_feedback"]
    feedback = kwargs["feedback"]
    assert (feedback.case, feedback.activity, feedback.outcome, feedback.contacted_on) == (
        audit.case, "single_agency", "no_contact", day(2026, 3, 2))
    assert feedback.reference.startswith(audit.reference)
