"""The tables behind background jobs: one row per job, one per scheduled slot, one per email.

The job row is the transactional outbox: it is written in the caller's transaction, so a job
exists exactly when the work that asked for it was committed. Redis only ever sees its id.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.timeutil import UTCDateTime, utcnow

STATUSES = ("queued", "running", "finished", "failed")


def new_job_id() -> str:
    return uuid.uuid4().hex


class JobRecord(db.Model):
    """A job's life: queued → running → finished or failed, with progress for its page.

    `kwargs` holds opaque ids only (checked by `enqueue`); `error_type` holds the exception's
    class name and never its message, which could carry someone's identity.
    """

    __tablename__ = "job_record"
    __table_args__ = (Index("ix_job_record_undispatched", "status", "dispatched_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_job_id)
    name: Mapped[str] = mapped_column(String(100), index=True)
    status: Mapped[str] = mapped_column(String(20), default="queued")
    progress: Mapped[int] = mapped_column(Integer, default=0)
    kwargs: Mapped[str] = mapped_column(Text, default="{}")
    result: Mapped[str | None] = mapped_column(Text)
    result_url: Mapped[str | None] = mapped_column(String(500))
    error_type: Mapped[str | None] = mapped_column(String(100))
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    partnership_id: Mapped[int | None] = mapped_column(
        ForeignKey("partnership.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)


class ScheduleRun(db.Model):
    """One enqueued slot of a schedule. The unique pair is what stops a slot running twice."""

    __tablename__ = "schedule_run"
    __table_args__ = (UniqueConstraint("schedule", "slot", name="uq_schedule_run_slot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    schedule: Mapped[str] = mapped_column(String(100))
    slot: Mapped[datetime] = mapped_column(UTCDateTime)
    job_id: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MailMessage(db.Model):
    """An email waiting for (or past) the `core.send_mail` job.

    Subject and body are sealed under a key derived from the master key (a reset link must not
    be readable from the database or a backup) and wiped once the message is dealt with.
    Status: pending, sending, sent, captured (MAIL_CAPTURE), not_sent (no MAIL_SERVER) or
    failed (refused by the mail server).
    """

    __tablename__ = "mail_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(320))
    sealed: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
