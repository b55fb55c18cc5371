"""API tokens, stored idempotent responses, and the log of API calls."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.identity.models import Agency, User
from core.timeutil import UTCDateTime, utcnow


def new_token_id() -> str:
    return secrets.token_hex(8)


class ApiToken(db.Model):
    """A personal token acting for one agency. Only the SHA-256 of its secret is stored.

    The token a person copies is `pa_<id>_<secret>`: the id finds the row without a scan and the
    secret is compared in constant time. Tokens expire (at most `API_TOKEN_MAX_DAYS`), and a
    revoked or expired one answers 401 at once.
    """

    __tablename__ = "api_token"

    id: Mapped[str] = mapped_column(String(16), primary_key=True, default=new_token_id)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    name: Mapped[str] = mapped_column(String(100))
    secret_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
    agency: Mapped[Agency] = relationship()

    def is_live(self, now: datetime) -> bool:
        return self.revoked_at is None and self.expires_at > now


class IdempotentResponse(db.Model):
    """The first response to a POST carrying an `Idempotency-Key`, replayed on a retry.

    Stored in the same transaction as the POST's own writes, so either both exist or neither.
    """

    __tablename__ = "api_idempotent_response"
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_api_idempotent_user_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[int]
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class ApiCall(db.Model):
    """One line per API request: who, for which agency, what, and the answer's status."""

    __tablename__ = "api_call"
    __table_args__ = (Index("ix_api_call_token_at", "token_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    token_id: Mapped[str | None] = mapped_column(String(16))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    method: Mapped[str] = mapped_column(String(10))
    endpoint: Mapped[str] = mapped_column(String(120))
    status: Mapped[int]
