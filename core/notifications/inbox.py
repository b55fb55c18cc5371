"""A person's inbox: always their own notifications only, found by recipient in every query."""

from __future__ import annotations

from flask import abort
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, select, update

from core.extensions import db
from core.identity.models import User
from core.notifications.models import Notification
from core.timeutil import utcnow

PER_PAGE = 25


def unread_count(user: User) -> int:
    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.recipient_id == user.id, Notification.read_at.is_(None))) or 0


def inbox_page(user: User, page: int) -> Pagination:
    """Newest first; the id breaks ties between notifications made in the same moment."""
    query = (select(Notification).where(Notification.recipient_id == user.id)
             .order_by(Notification.created_at.desc(), Notification.id.desc()))
    return db.paginate(query, page=max(page, 1), per_page=PER_PAGE, max_per_page=PER_PAGE,
                       error_out=False)


def own_notification(user: User, notification_id: int) -> Notification:
    """The person's notification, or 404: someone else's looks exactly like one that is not."""
    note = db.session.scalar(select(Notification).where(
        Notification.id == notification_id, Notification.recipient_id == user.id))
    if note is None:
        abort(404)
    return note


def mark_read(note: Notification) -> None:
    if note.read_at is None:
        note.read_at = utcnow()


def mark_all_read(user: User) -> int:
    """Mark every unread notification read; returns how many were."""
    done = db.session.execute(
        update(Notification)
        .where(Notification.recipient_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow()).execution_options(synchronize_session=False))
    return done.rowcount
