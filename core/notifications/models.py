"""The tables behind notifications: one inbox row per person per event, and each person's choice.

A notification holds text already written with case codes only (never a name or a record id)
and a relative link; the email is built from the same row, so the inbox and the email agree.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.timeutil import UTCDateTime, utcnow

IMMEDIATE, DIGEST, IN_APP = "immediate", "digest", "in_app"
DELIVERIES = (IMMEDIATE, DIGEST, IN_APP)

# What happened to a notification's email: sent with the event, waiting for the morning digest,
# sent in a digest, or never emailed (the person chose the inbox only).
EMAIL_QUEUED, EMAIL_AWAITING_DIGEST, EMAIL_IN_DIGEST, EMAIL_NONE = (
    "queued", "awaiting_digest", "in_digest", "none")


class Notification(db.Model):
    """Something a person should know about, shown in their inbox and perhaps emailed."""

    __tablename__ = "notification"
    __table_args__ = (
        Index("ix_notification_recipient_created", "recipient_id", "created_at"),
        Index("ix_notification_digest", "email_status", "recipient_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    event: Mapped[str] = mapped_column(String(100))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(500))
    partnership_id: Mapped[int | None] = mapped_column(
        ForeignKey("partnership.id", ondelete="SET NULL"), index=True)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    email_status: Mapped[str] = mapped_column(String(20), default=EMAIL_NONE)
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(db.Model):
    """How a person wants their notifications emailed; no row means at once."""

    __tablename__ = "notification_preference"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    delivery: Mapped[str] = mapped_column(String(20), default=IMMEDIATE)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class NotificationDigest(db.Model):
    """One person's daily summary: the unique (person, day) pair stops a second one that day,
    whether the job runs twice or two workers race."""

    __tablename__ = "notification_digest"
    __table_args__ = (UniqueConstraint("user_id", "day", name="uq_notification_digest_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)  # the Europe/London date it was sent
    count: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
