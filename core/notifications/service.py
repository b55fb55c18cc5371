"""Telling people something: an inbox row each, and an email as each person prefers.

Everything happens in the caller's transaction and nothing is committed here: the inbox rows
and the queued emails exist exactly when the caller's work is committed, and a rollback leaves
neither (the email job is only enqueued through the transactional outbox).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select

from core.extensions import db
from core.identity.models import User
from core.notifications.emails import send_notification_email
from core.notifications.models import (
    DIGEST,
    EMAIL_AWAITING_DIGEST,
    EMAIL_NONE,
    EMAIL_QUEUED,
    IMMEDIATE,
    Notification,
)
from core.notifications.preferences import delivery_for
from core.timeutil import utcnow


class NotificationError(ValueError):
    """A notification that must not be sent as asked (e.g. an absolute link)."""


def notify(recipients: Iterable[User], event: str, subject: str, body: str, *,
           link: str | None = None, partnership_id: int | None = None,
           urgent: bool = False) -> list[Notification]:
    """Add one inbox notification per recipient and queue the emails their preferences ask for.

    `subject` and `body` must carry case codes only, never identity. `link` is a relative URL
    inside the service ("/workflow/12"); emails turn it into an address under PUBLIC_URL.
    Urgent notifications (safety alerts) are emailed at once whatever the person chose. The
    caller commits; a person listed twice is told once.
    """
    _check(event, subject, link)
    now, made, seen = utcnow(), [], set()
    for user in recipients:
        if user.id in seen or not user.is_active:
            continue
        seen.add(user.id)
        made.append(_notify_one(user, event, subject, body, link, partnership_id, urgent, now))
    return made


def already_told(user: User, event: str, link: str | None) -> bool:
    """Whether `user` has had a notification of `event` about `link`: what lets a daily
    reminder job run twice (a retry, a second scheduler) and tell each person once."""
    query = select(Notification.id).where(Notification.recipient_id == user.id,
                                          Notification.event == event,
                                          Notification.link == link).limit(1)
    return db.session.scalar(query) is not None


def _notify_one(user: User, event: str, subject: str, body: str, link: str | None,
                partnership_id: int | None, urgent: bool, now: datetime) -> Notification:
    note = Notification(recipient_id=user.id, event=event, subject=subject, body=body,
                        link=link, partnership_id=partnership_id, urgent=urgent, created_at=now)
    delivery = IMMEDIATE if urgent else delivery_for(user)
    db.session.add(note)
    if delivery == IMMEDIATE:
        send_notification_email(user, note)
        note.email_status, note.emailed_at = EMAIL_QUEUED, now
    else:
        note.email_status = EMAIL_AWAITING_DIGEST if delivery == DIGEST else EMAIL_NONE
    return note


def is_relative_link(link: str | None) -> bool:
    """A path inside the service: "/x/1", never "//host", "/\\host" or "https://host"."""
    return (bool(link) and len(link) <= 500 and link.startswith("/")
            and link[1:2] not in ("/", "\\")
            and not any(c.isspace() or ord(c) < 32 for c in link))


def _check(event: str, subject: str, link: str | None) -> None:
    if not event or len(event) > 100:
        raise NotificationError("event must be a short name such as 'workflow.sla_reminder'")
    if not subject or len(subject) > 200 or "\n" in subject or "\r" in subject:
        raise NotificationError("subject must be one line of 1 to 200 characters")
    if link is not None and not is_relative_link(link):
        raise NotificationError("link must be a path inside the service, starting with '/'")
