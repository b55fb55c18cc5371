"""Password reset tokens: signed, time-limited, and spent by the reset itself.

The token carries the user id and the last characters of the current password hash. Any new
hash (a reset, a change, a rehash) changes those characters, so a token works at most once and
stops working when the password changes some other way. Time comes from `core.timeutil`, so
tests can age a token with a frozen clock.
"""

from __future__ import annotations

import hmac
from typing import Literal

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from core import timeutil
from core.extensions import db
from core.identity.models import User

SALT = "password-reset"

Problem = Literal["expired", "invalid"]


class _ClockSigner(TimestampSigner):
    def get_timestamp(self) -> int:
        return int(timeutil.utcnow().timestamp())


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(
        current_app.config["SECRET_KEY"], salt=SALT, signer=_ClockSigner
    )


def _fingerprint(user: User) -> str:
    return (user.password_hash or "")[-10:]


def make_token(user: User) -> str:
    return _serializer().dumps({"uid": user.id, "ph": _fingerprint(user)})


def user_for_token(token: str) -> tuple[User | None, Problem | None]:
    """The account a token resets, or why it cannot be used ("expired" or "invalid")."""
    try:
        data = _serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except SignatureExpired:
        return None, "expired"
    except BadSignature:
        return None, "invalid"
    user = db.session.get(User, data.get("uid")) if isinstance(data, dict) else None
    if user is None or not user.is_active:
        return None, "invalid"
    if not hmac.compare_digest(str(data.get("ph", "")), _fingerprint(user)):
        return None, "invalid"
    return user, None
