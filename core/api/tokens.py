"""Issuing, checking and revoking personal API tokens."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from core.api.models import ApiToken
from core.extensions import db
from core.identity.models import Agency, User
from core.timeutil import utcnow

PREFIX = "pa_"


class TokenInvalid(Exception):
    """Missing, malformed, unknown, expired or revoked: all answer the same 401."""


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def max_days() -> int:
    return int(current_app.config["API_TOKEN_MAX_DAYS"])


def issue(user: User, agency: Agency, name: str, days: int) -> tuple[ApiToken, str]:
    """Create a token; return it and the text to show once. Does not commit."""
    secret = secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, agency_id=agency.id, name=name.strip(),
                     secret_hash=_digest(secret), expires_at=utcnow() + timedelta(days=days))
    db.session.add(token)
    db.session.flush()
    return token, f"{PREFIX}{token.id}_{secret}"


def token_id_of(text: str) -> str | None:
    """The id part of a presented token (for rate-limit keys), without checking it."""
    if not text.startswith(PREFIX):
        return None
    token_id, _, secret = text[len(PREFIX):].partition("_")
    return token_id if token_id and secret else None


# Every call reads the token's person, their memberships (the permission check and the agency
# check below) and the token's agency (the scope of every query): one round trip, not four.
_WITH_CALLER = (joinedload(ApiToken.user).joinedload(User.memberships),
                joinedload(ApiToken.agency))


def verify(text: str) -> ApiToken:
    """The live token that `text` presents, or TokenInvalid."""
    token_id = token_id_of(text)
    token = db.session.get(ApiToken, token_id, options=_WITH_CALLER) if token_id else None
    secret = text[len(PREFIX) + len(token_id or "") + 1:]
    if token is None or not hmac.compare_digest(token.secret_hash, _digest(secret)):
        raise TokenInvalid
    if not token.is_live(utcnow()) or not token.user.is_active:
        raise TokenInvalid
    if not any(m.agency_id == token.agency_id for m in token.user.memberships):
        raise TokenInvalid  # the person left the agency since the token was made
    return token


def tokens_of(user: User) -> list[ApiToken]:
    return list(db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc())))


def revoke(token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()
