"""Data keys: one current AES-256 key per partnership, stored wrapped by a master key."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.timeutil import UTCDateTime, utcnow


class DataKey(db.Model):
    __tablename__ = "data_key"
    __table_args__ = (UniqueConstraint("partnership_id", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    version: Mapped[int] = mapped_column()
    master_version: Mapped[int] = mapped_column()
    wrapped: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
