"""Server-side session records behind the signed session cookie.

The cookie carries a random token; the `user_session` row (keyed by the token's SHA-256) says
whether it is still valid. That makes logout, "sign out everywhere", disabling an account, the
30-minute idle timeout and the 12-hour absolute limit take effect on the server, not only in the
browser.
"""

from __future__ import annotations

import hashlib
import secrets

from flask import Flask, current_app, request, session
from flask_login import login_user, logout_user
from sqlalchemy import update

from core.extensions import db, login_manager
from core.identity.models import User, UserSession
from core.timeutil import utcnow

TOUCH_EVERY_SECONDS = 60


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user: User) -> UserSession:
    """Sign `user` in with a fresh token (the session id changes at every sign-in)."""
    session.clear()
    token = secrets.token_urlsafe(32)
    row = UserSession(id=_digest(token), user_id=user.id,
                      user_agent=(request.user_agent.string or "")[:200])
    db.session.add(row)
    db.session.flush()
    session["sid"] = token
    login_user(user)
    return row


def current_session_id() -> str | None:
    token = session.get("sid")
    return _digest(token) if token else None


def end_session() -> None:
    """Sign out here: revoke this session's row and clear the cookie."""
    sid = current_session_id()
    if sid:
        db.session.execute(
            update(UserSession).where(UserSession.id == sid).values(revoked_at=utcnow())
        )
    logout_user()
    session.clear()


def end_other_sessions(user: User, keep: str | None = None) -> int:
    """Revoke every live session of `user` except `keep`; returns how many were ended."""
    query = update(UserSession).where(
        UserSession.user_id == user.id, UserSession.revoked_at.is_(None)
    )
    if keep:
        query = query.where(UserSession.id != keep)
    return db.session.execute(query.values(revoked_at=utcnow())).rowcount


def _valid(row: UserSession | None) -> bool:
    if row is None or row.revoked_at is not None:
        return False
    now = utcnow()
    cfg = current_app.config
    return (now - row.last_seen_at <= cfg["IDLE_TIMEOUT"]
            and now - row.created_at <= cfg["ABSOLUTE_TIMEOUT"])


def load_user(user_id: str) -> User | None:
    """Flask-Login's loader: a user only while their session row is valid and they are active."""
    sid = current_session_id()
    row = db.session.get(UserSession, sid) if sid else None
    if not _valid(row) or str(row.user_id) != user_id:
        session.clear()
        return None
    user = db.session.get(User, row.user_id)
    if user is None or not user.is_active:
        session.clear()
        return None
    _touch(row)
    return user


def _touch(row: UserSession) -> None:
    now = utcnow()
    if (now - row.last_seen_at).total_seconds() >= TOUCH_EVERY_SECONDS:
        db.session.execute(
            update(UserSession).where(UserSession.id == row.id).values(last_seen_at=now)
        )
        db.session.commit()


def init_app(app: Flask) -> None:
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = None  # our own session rows do this job
