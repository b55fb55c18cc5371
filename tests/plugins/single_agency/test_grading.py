"""Grading: the limiting judgement, overrides with a reason, scores, not applicable."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.extensions import db
from core.tools.models import GradeRecord
from plugins.single_agency import audits
from plugins.single_agency import cycles as cycle_service
from plugins.single_agency.audits import AuditInvalid
from tests.plugins.single_agency.helpers import grading_form, send_cycle

pytestmark = pytest.mark.plugins("single_agency")


def first_audit(programme, council, rng, tool="core.practice_standards"):
    programme.default_tool = tool
    cycle, _ = cycle_service.draw_monthly(programme, 2026, 3, rng)
    return send_cycle(programme, cycle, council.qa)[0]


def overall_rows(audit):
    return db.session.scalars(select(GradeRecord).where(
        GradeRecord.subject_id == str(audit.id), GradeRecord.domain_code.is_(None))).all()


def test_an_inadequate_domain_makes_the_overall_grade_inadequate(programme, cases, council, rng):
    audit = first_audit(programme, council, rng)
    form = grading_form(audit, {"C": "inadequate"}, overall="inadequate")
    assert audits.save_file_review(audit, form, audit.auditor, finish=True) == {}
    [row] = overall_rows(audit)
    assert (row.grade, row.override_reason) == ("inadequate", None)


def test_a_better_overall_grade_than_the_limiting_judgement_needs_a_reason(
        programme, cases, council, rng):
    audit = first_audit(programme, council, rng)
    form = grading_form(audit, {"C": "inadequate"}, overall="good")
    problems = audits.save_file_review(audit, form, audit.auditor, finish=True)
    assert "C" in problems["overall-reason"] and audit.file_review_done_at is None
    db.session.commit()
    form = grading_form(audit, {"C": "inadequate"}, overall="good",
                        reason="Recording lapsed during a handover but the child is safe")
    assert audits.save_file_review(audit, form, audit.auditor, finish=True) == {}
    [row] = overall_rows(audit)
    assert row.grade == "good" and row.override_reason.startswith("Recording lapsed")


def test_scores_from_0_to_10_give_the_domain_grade(programme, cases, council, rng):
    audit = first_audit(programme, council, rng, tool="core.collaborative_audit")
    form = grading_form(audit, {"REF": "inadequate"}, overall="inadequate")
    assert audits.save_file_review(audit, form, audit.auditor, finish=True) == {}
    ref = db.session.scalar(select(GradeRecord).where(GradeRecord.subject_id == str(audit.id),
                                                      GradeRecord.domain_code == "REF"))
    assert (ref.score, ref.grade) == (1, "inadequate")


def test_a_score_outside_0_to_10_is_refused_and_nothing_is_saved(programme, cases, council, rng):
    audit = first_audit(programme, council, rng, tool="core.collaborative_audit")
    form = grading_form(audit) | {"REF-score": "11"}
    with pytest.raises(AuditInvalid) as refused:
        audits.save_file_review(audit, form, audit.auditor)
    assert "REF-score" in refused.value.errors
    db.session.rollback()
    assert audit.file_review == {}


def test_only_domains_the_tool_allows_may_be_not_applicable(programme, cases, council, rng):
    audit = first_audit(programme, council, rng)
    with pytest.raises(AuditInvalid) as refused:
        audits.save_file_review(audit, grading_form(audit, {"A": "not_applicable"}),
                                audit.auditor)
    assert "A-grade" in refused.value.errors
    db.session.rollback()
    form = grading_form(audit, {"J": "not_applicable", "K": "not_applicable"})
    assert audits.save_file_review(audit, form, audit.auditor, finish=True) == {}


def test_the_tool_version_is_fixed_when_the_audit_is_drawn(programme, cases, council, rng):
    audit = first_audit(programme, council, rng)
    assert (audit.tool_key, audit.tool_version) == ("core.practice_standards", 1)
