"""Recording grades as history: every grading appends rows, nothing is overwritten.

An audit is graded after the file review, again after the practitioner conversation (Haringey
keeps both), perhaps by a moderator and on re-audit. Reports compare those stages (moderation
downgrades are a headline measure), so each is kept with who gave it and when.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from core.extensions import db
from core.timeutil import utcnow
from core.tools.grading import (
    NOT_APPLICABLE,
    Grade,
    GradingError,
    OverallResult,
    grade_from_score,
)
from core.tools.models import GRADE_STAGES, GradeRecord

AUDITOR_STAGES = ("file_review", "after_conversation")  # what a moderator confirms or changes


def record_grade(
    subject_type: str,
    subject_id: str | int,
    stage: str,
    grade: Grade | str | None = None,
    *,
    domain_code: str | None = None,
    score: int | None = None,
    recorded_by: Any = None,
    override_reason: str | None = None,
    belongs_to: Any = None,
) -> GradeRecord:
    """Append one grade (a domain's, or the overall one when `domain_code` is None).

    `grade` may be left out when a 0-10 `score` is given: the score's band is the grade. A
    grade and a score that disagree are refused. `belongs_to` places the grade for reports: any
    object with `partnership_id` and, optionally, `agency_id` and `team_id` (the audited
    `Case`, or the plugin's own audit row); without it the grade is counted in no report. The
    row is added to the caller's transaction (flushed, not committed), so it commits or rolls
    back with the audit it belongs to.
    """
    if stage not in GRADE_STAGES:
        raise GradingError("stage", f"'{stage}' is not a stage; use one of: "
                                    f"{', '.join(GRADE_STAGES)}")
    value = _grade_value(grade, score)
    row = GradeRecord(
        subject_type=subject_type, subject_id=str(subject_id), stage=stage,
        domain_code=domain_code, grade=value, score=score, recorded_at=utcnow(),
        recorded_by_id=getattr(recorded_by, "id", recorded_by),
        override_reason=(override_reason or "").strip() or None,
        compared_grade=_compared_grade(subject_type, str(subject_id), stage, domain_code),
        **_placed(belongs_to),
    )
    db.session.add(row)
    db.session.flush()
    return row


def _compared_grade(subject_type: str, subject_id: str, stage: str,
                    domain_code: str | None) -> str | None:
    """For a moderator's grade: the auditor's last grade of the same domain (or overall) before
    it, kept on the row so reports count confirmations, upgrades and downgrades directly."""
    if stage != "moderation":
        return None
    same_domain = (GradeRecord.domain_code.is_(None) if domain_code is None
                   else GradeRecord.domain_code == domain_code)
    return db.session.scalar(
        select(GradeRecord.grade)
        .where(GradeRecord.subject_type == subject_type, GradeRecord.subject_id == subject_id,
               GradeRecord.stage.in_(AUDITOR_STAGES), same_domain)
        .order_by(GradeRecord.id.desc()).limit(1))


def _placed(belongs_to: Any) -> dict[str, int | None]:
    return {name: getattr(belongs_to, name, None)
            for name in ("partnership_id", "agency_id", "team_id")}


def _grade_value(grade: Grade | str | None, score: int | None) -> str:
    from_score = grade_from_score(score) if score is not None else None
    if grade is None:
        if from_score is None:
            raise GradingError("grade", "give a grade or a score")
        return from_score.value
    if grade == NOT_APPLICABLE:
        if score is not None:
            raise GradingError("score", "a domain that is not applicable has no score")
        return NOT_APPLICABLE
    parsed = Grade.parse(grade)
    if from_score is not None and from_score is not parsed:
        raise GradingError("score", f"a score of {score} is {from_score.label.lower()}, "
                                    f"not {parsed.label.lower()}")
    return parsed.value


def record_grading(
    subject_type: str,
    subject_id: str | int,
    stage: str,
    domain_grades: Mapping[str, Grade | str],
    overall: OverallResult,
    *,
    scores: Mapping[str, int] | None = None,
    recorded_by: Any = None,
    belongs_to: Any = None,
) -> list[GradeRecord]:
    """Append a whole grading at one stage: each domain, then the overall result.

    `belongs_to` places every row for reports, as in `record_grade`.
    """
    scores = scores or {}
    rows = [
        record_grade(subject_type, subject_id, stage, grade, domain_code=code,
                     score=scores.get(code), recorded_by=recorded_by, belongs_to=belongs_to)
        for code, grade in domain_grades.items()
    ]
    overall_value = overall.grade if overall.grade is not None else NOT_APPLICABLE
    rows.append(record_grade(
        subject_type, subject_id, stage, overall_value, recorded_by=recorded_by,
        override_reason=overall.reason if overall.overridden else None, belongs_to=belongs_to))
    return rows


def grade_history(subject_type: str, subject_id: str | int) -> list[GradeRecord]:
    """Every grade given to the subject, oldest first."""
    return list(db.session.scalars(
        select(GradeRecord)
        .filter_by(subject_type=subject_type, subject_id=str(subject_id))
        .order_by(GradeRecord.recorded_at, GradeRecord.id)))
