"""The half-way state between a correct password and a complete sign-in.

Only a marker goes in the (signed) cookie: the user id, when the password was accepted and
where to go afterwards. Nobody is authenticated by it; it expires after five minutes.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from flask import session

from core import timeutil
from core.extensions import db
from core.identity.models import User

PENDING_FOR = timedelta(minutes=5)
KEYS = ("pending_uid", "pending_at", "pending_next")


def safe_next(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None (never redirect anywhere else)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    if any(ord(ch) < 32 or ch == "\\" for ch in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def begin(user: User, next_url: str | None) -> None:
    session.pop("enrol_secret", None)  # an earlier, unfinished set-up on this browser
    session["pending_uid"] = user.id
    session["pending_at"] = timeutil.utcnow().timestamp()
    session["pending_next"] = safe_next(next_url)


def pending_user() -> User | None:
    """The user whose password was accepted in the last five minutes, if still allowed in."""
    uid, at = session.get("pending_uid"), session.get("pending_at")
    if uid is None or at is None:
        return None
    if timeutil.utcnow().timestamp() - float(at) > PENDING_FOR.total_seconds():
        clear()
        return None
    user = db.session.get(User, uid)
    return user if user is not None and user.is_active else None


def next_url() -> str | None:
    return session.get("pending_next")


def clear() -> None:
    for key in KEYS:
        session.pop(key, None)
