"""Grade history: every grading is appended with who, when and at which stage."""

from datetime import UTC, datetime, timedelta

import pytest

from core.extensions import db
from core.tools import history
from core.tools.grading import Grade, GradingError, overall_grade
from core.tools.history import grade_history, record_grade, record_grading
from core.tools.registry import get_tool


@pytest.fixture
def clock(monkeypatch):
    now = [datetime(2026, 3, 2, 9, 0, tzinfo=UTC)]

    def tick():
        now[0] += timedelta(minutes=1)
        return now[0]

    monkeypatch.setattr(history, "utcnow", tick)
    return now


def test_grade_history_keeps_file_review_conversation_and_moderation_in_order(app, world, clock):
    record_grade("example.audit", 41, "file_review", "inadequate", recorded_by=world.tm_a)
    record_grade("example.audit", 41, "after_conversation", Grade.REQUIRES_IMPROVEMENT,
                 recorded_by=world.tm_a)
    record_grade("example.audit", 41, "moderation", "good", recorded_by=world.hos_a)
    record_grade("example.audit", 99, "file_review", "good", recorded_by=world.tm_b)
    db.session.commit()
    rows = grade_history("example.audit", "41")
    assert [(r.stage, r.grade, r.recorded_by_id) for r in rows] == [
        ("file_review", "inadequate", world.tm_a.id),
        ("after_conversation", "requires_improvement", world.tm_a.id),
        ("moderation", "good", world.hos_a.id),
    ]
    assert rows[0].recorded_at < rows[1].recorded_at < rows[2].recorded_at


def test_a_recorded_grade_cannot_be_changed(app, world):
    row = record_grade("example.audit", 1, "file_review", "good", recorded_by=world.tm_a)
    db.session.commit()
    row.grade = "outstanding"
    with pytest.raises(ValueError, match="Grades are history"):
        db.session.commit()
    db.session.rollback()
    assert [r.grade for r in grade_history("example.audit", 1)] == ["good"]


def test_a_score_alone_records_its_band_and_a_contradicting_grade_is_refused(app, world):
    row = record_grade("example.audit", 2, "file_review", domain_code="REC", score=7,
                       recorded_by=world.tm_a)
    assert (row.grade, row.score, row.is_overall) == ("good", 7, False)
    with pytest.raises(GradingError) as caught:
        record_grade("example.audit", 2, "file_review", "outstanding", score=4)
    assert caught.value.field == "score"
    with pytest.raises(GradingError, match="stage"):
        record_grade("example.audit", 2, "peer_review", "good")


@pytest.mark.plugins("example")
def test_a_whole_grading_records_each_domain_and_the_overridden_overall(app, world, clock):
    tool = get_tool("example.note_review")
    grades = {"REC": "inadequate", "VOICE": "good"}
    result = tool.grade_overall(grades, chosen="good", override="requires_improvement",
                                override_reason="Recording was put right after the audit.")
    record_grading("example.audit", 5, "file_review", grades, result,
                   scores={"VOICE": 7}, recorded_by=world.tm_a)
    db.session.commit()
    rows = grade_history("example.audit", 5)
    assert [(r.domain_code, r.grade, r.score) for r in rows] == [
        ("REC", "inadequate", None), ("VOICE", "good", 7), (None, "requires_improvement", None)]
    assert rows[-1].override_reason == "Recording was put right after the audit."


@pytest.mark.plugins("example")
def test_a_tool_checks_every_domain_is_graded_and_not_applicable_only_where_allowed(app):
    tool = get_tool("example.note_review")
    with pytest.raises(GradingError, match=r"domain_grades\[VOICE\]"):
        tool.grade_overall({"REC": "good"})
    with pytest.raises(GradingError, match="cannot be marked not applicable"):
        tool.grade_overall({"REC": "not_applicable", "VOICE": "good"})
    assert tool.grade_overall({"REC": "good", "VOICE": "not_applicable"}).grade is Grade.GOOD
    assert overall_grade({"REC": "good"}).grade is Grade.GOOD
