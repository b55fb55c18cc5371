"""A partnership's report settings: its completion target and which grading stage reports.

Without a row the defaults apply: 80% completion against allocation (Havering's target) and the
file-review grades (every audit has one; a partnership that regrades after the practitioner
conversation, as Haringey does, may report those instead).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.timeutil import UTCDateTime, utcnow

DEFAULT_TARGET = 80
DEFAULT_STAGE = "file_review"
REPORTABLE_STAGES = ("file_review", "after_conversation")


class ReportSetting(db.Model):
    __tablename__ = "report_setting"

    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), primary_key=True)
    completion_target: Mapped[int] = mapped_column(Integer, default=DEFAULT_TARGET)
    grade_stage: Mapped[str] = mapped_column(String(30), default=DEFAULT_STAGE)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    # Two coordinators saving the target at once: the second is told, not silently overwritten.
    __mapper_args__ = {"version_id_col": version}


def settings_for(partnership_id: int) -> ReportSetting:
    """The partnership's saved settings, or an unsaved row holding the defaults."""
    row = db.session.get(ReportSetting, partnership_id)
    if row is None:
        row = ReportSetting(partnership_id=partnership_id, completion_target=DEFAULT_TARGET,
                            grade_stage=DEFAULT_STAGE)
    return row
