"""Checking a password, counting failures, and finishing a sign-in once every factor is done.

Every refusal looks the same from outside (unknown address, wrong password, locked, disabled,
expired) and costs the same: the password is always put through argon2, against a dummy hash
when there is no such account. Only the security log says which it was.
"""

from __future__ import annotations

from flask import url_for
from sqlalchemy import func, select

from core.auth import lockout, pending
from core.auth.passwords import hash_password, needs_rehash, verify_password
from core.auth.sessions import start_session
from core.extensions import db
from core.identity.access import requires_mfa
from core.identity.models import User
from core.identity.security_log import record

GENERIC_ERROR = "Enter a correct email address and password"


def find_user(email: str) -> User | None:
    wanted = (email or "").strip().lower()
    return db.session.scalars(select(User).where(func.lower(User.email) == wanted)).first()


def _refusal(user: User) -> str | None:
    """Why an account may not sign in now, whatever the password (for the log only)."""
    if lockout.is_locked(user):
        return "locked"
    if not user.active:
        return "inactive"
    if user.is_expired:
        return "expired"
    return None


def check_password(email: str, password: str) -> User | None:
    """The user if the password is right and they may sign in now; None otherwise."""
    user = find_user(email)
    right = verify_password(user.password_hash if user else None, password)
    if user is None:
        record("login_failed", detail="unknown_account")
        return None
    refusal = _refusal(user)
    if refusal:
        record("login_failed", user=user, detail=refusal)
        return None
    if not right:
        note_failure(user, "login_failed")
        return None
    if needs_rehash(user.password_hash or ""):
        user.password_hash = hash_password(password)
        db.session.commit()
    return user


def note_failure(user: User, event: str) -> bool:
    """Count a wrong password or code and log it; True if the account is now locked."""
    locked = lockout.register_failure(user)
    db.session.commit()
    record(event, user=user)
    if locked:
        record("login_locked", user=user)
    return locked


def second_step(user: User) -> str | None:
    """The endpoint that must come next for `user`, or None when the password is enough."""
    if user.mfa_enabled:
        return "auth.mfa"
    if requires_mfa(user):
        return "auth.mfa_setup"
    return None


def complete(user: User, *events: str) -> str:
    """Start the real session (a new session id) and say where to go next."""
    target = pending.next_url() or url_for("core.home")
    lockout.clear(user)
    start_session(user)
    db.session.commit()
    for event in (*events, "login_succeeded"):
        record(event, user=user)
    return target
