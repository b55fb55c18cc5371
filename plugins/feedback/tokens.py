"""Link tokens: 256 random bits, shown once, stored only as a SHA-256 hash.

A token is looked up by its hash, so nothing in the database or the URL scheme can be counted
through or guessed; a malformed token never reaches the database. Using a link is one
conditional UPDATE (not used, not withdrawn, not expired), so two presses of "Send" at the same
moment cannot both be accepted.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from core.toolkit import db
from plugins.feedback.models import FeedbackLink

TOKEN_BYTES = 32  # 256 bits from the operating system's CSPRNG
SHAPE = re.compile(r"^[A-Za-z0-9_-]{43}$")  # what token_urlsafe(32) gives


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def find_link(token: str) -> FeedbackLink | None:
    """The link a token opens, or None (also for anything not shaped like a token)."""
    if not SHAPE.match(token or ""):
        return None
    return db.session.scalar(select(FeedbackLink).where(
        FeedbackLink.token_hash == token_hash(token)))


def claim(link: FeedbackLink, now: datetime) -> bool:
    """Mark the link used if it is still open; False if it was used, withdrawn or expired
    meanwhile (by another request, or the clock)."""
    result = db.session.execute(
        update(FeedbackLink)
        .where(FeedbackLink.id == link.id, FeedbackLink.used_at.is_(None),
               FeedbackLink.withdrawn_at.is_(None), FeedbackLink.expires_at > now)
        .values(used_at=now)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        return False
    set_committed_value(link, "used_at", now)
    return True
