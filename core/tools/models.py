"""Tool versions and the grade history.

A published tool version never changes: an audit stores the key and version it was started on
and keeps being graded against exactly that. Grades are appended, never updated, so the file
review grade, the grade after the practitioner conversation and the moderator's grade all
survive (Haringey 2.3-2.4; moderation in Havering and Sefton).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.timeutil import UTCDateTime, utcnow

TOOL_SOURCES = ("file", "edited")
TOOL_STATUSES = ("draft", "published", "retired")
GRADE_STAGES: dict[str, str] = {
    "file_review": "File review",
    "after_conversation": "After the practitioner conversation",
    "moderation": "Moderation",
    "re_audit": "Re-audit",
    "dispute": "Dispute resolution",
}


class ToolVersion(db.Model):
    """One version of a tool; `definition` is the validated definition as JSON text."""

    __tablename__ = "tool_version"
    __table_args__ = (UniqueConstraint("key", "version", name="uq_tool_version_key_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100), index=True)
    version: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    definition: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(10))
    origin: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(10), default="draft")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    lock_version: Mapped[int] = mapped_column(default=1)

    # A stale save of a draft (two people editing at once) raises StaleDataError.
    __mapper_args__ = {"version_id_col": lock_version}

    @property
    def status_label(self) -> str:
        return self.status.capitalize()


class GradeRecord(db.Model):
    """A grade given to an audit (or one of its domains) at one stage, by one person."""

    __tablename__ = "grade_record"
    __table_args__ = (
        Index("ix_grade_record_subject", "subject_type", "subject_id"),
        # Reports count stage x domain x grade for a partnership's period, stage by stage: with
        # every column they read in one index, the grade mix never touches the table itself.
        Index("ix_grade_record_report", "partnership_id", "stage", "recorded_at", "domain_code",
              "grade", "agency_id", "team_id", "compared_grade"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_type: Mapped[str] = mapped_column(String(60))
    subject_id: Mapped[str] = mapped_column(String(64))
    stage: Mapped[str] = mapped_column(String(30))
    domain_code: Mapped[str | None] = mapped_column(String(20))
    grade: Mapped[str] = mapped_column(String(30))
    score: Mapped[int | None]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    override_reason: Mapped[str | None] = mapped_column(Text)
    # Where the grade counts in reports (the audited case's, or the grading agency's): a grade
    # without a partnership is kept in the history but counted in no report.
    partnership_id: Mapped[int | None] = mapped_column(ForeignKey("partnership.id"))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"))
    # On a moderation grade: the auditor's grade it was compared with (see `record_grade`).
    compared_grade: Mapped[str | None] = mapped_column(String(30))

    @property
    def is_overall(self) -> bool:
        return self.domain_code is None


@event.listens_for(GradeRecord, "before_update")
def _grades_are_history(mapper, connection, target: GradeRecord) -> None:
    raise ValueError("Grades are history: record a new grade instead of changing one.")
