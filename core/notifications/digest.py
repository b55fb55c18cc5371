"""The weekday-morning digest: one email per person listing what has waited since the last one.

Run by the scheduler (job "core.notification_digest", 7am Europe/London, Monday to Friday).
Each person is handled in their own transaction. A `NotificationDigest` row per person per
London day makes the job idempotent: run twice (or by two workers) on one day, it sends one
email per person. Notifications already read in the inbox are not emailed; a person who has
since chosen "inbox only" gets nothing and their waiting notifications are let go.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.extensions import db
from core.identity.models import User
from core.notifications.emails import send_digest_email
from core.notifications.models import (
    EMAIL_AWAITING_DIGEST,
    EMAIL_IN_DIGEST,
    EMAIL_NONE,
    IN_APP,
    Notification,
    NotificationDigest,
)
from core.notifications.preferences import delivery_for
from core.timeutil import to_london, utcnow


def send_digests(now: datetime | None = None) -> dict[str, int]:
    """Send today's digest to everyone with something waiting; returns how many were sent."""
    now = now or utcnow()
    waiting = select(Notification.recipient_id).where(
        Notification.email_status == EMAIL_AWAITING_DIGEST,
        Notification.created_at <= now).distinct()
    sent = 0
    for user_id in sorted(db.session.scalars(waiting)):
        sent += _digest_one(user_id, now)
    return {"sent": sent}


def _digest_one(user_id: int, now: datetime) -> int:
    user = db.session.get(User, user_id)
    notes = _waiting(user_id, now)
    unread = [n for n in notes if n.read_at is None]
    if user is None or not user.is_active or delivery_for(user) == IN_APP or not unread:
        _let_go(notes)
        db.session.commit()
        return 0
    try:
        db.session.add(NotificationDigest(user_id=user_id, day=to_london(now).date(),
                                          count=len(unread), sent_at=now))
        db.session.flush()  # a second run today stops here, before anything is queued
        _let_go([n for n in notes if n.read_at is not None])
        for note in unread:
            note.email_status, note.emailed_at = EMAIL_IN_DIGEST, now
        send_digest_email(user, unread)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return 0
    return 1


def _waiting(user_id: int, now: datetime) -> list[Notification]:
    return list(db.session.scalars(
        select(Notification).where(Notification.recipient_id == user_id,
                                   Notification.email_status == EMAIL_AWAITING_DIGEST,
                                   Notification.created_at <= now)
        .order_by(Notification.created_at, Notification.id)))


def _let_go(notes: list[Notification]) -> None:
    """Stop waiting for a digest: read already, or the person no longer wants email."""
    for note in notes:
        note.email_status = EMAIL_NONE
