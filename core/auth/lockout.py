"""The per-account failure counter and temporary lock, kept in the database.

The counter lives in the `user_account` row (not in Redis or the rate limiter) so the lock
still holds when Redis is down and across every worker. Wrong passwords and wrong MFA codes
both count; the counter is reset only when a sign-in is complete (password and code), so
knowing the password does not buy unlimited guesses at the code.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import update

from core import timeutil
from core.extensions import db
from core.identity.models import User


def is_locked(user: User) -> bool:
    return user.locked_until is not None and user.locked_until > timeutil.utcnow()


def register_failure(user: User) -> bool:
    """Count one failure (atomically); lock the account at the threshold. True if now locked."""
    count = db.session.execute(
        update(User)
        .where(User.id == user.id)
        .values(failed_logins=User.failed_logins + 1)
        .returning(User.failed_logins)
    ).scalar_one()
    if count < current_app.config["LOGIN_LOCK_THRESHOLD"]:
        return False
    minutes = current_app.config["LOGIN_LOCK_MINUTES"]
    db.session.execute(
        update(User)
        .where(User.id == user.id)
        .values(failed_logins=0, locked_until=timeutil.utcnow() + timedelta(minutes=minutes))
    )
    return True


def clear(user: User) -> None:
    """Forget past failures after a complete sign-in or a password reset."""
    if user.failed_logins or user.locked_until is not None:
        user.failed_logins = 0
        user.locked_until = None
