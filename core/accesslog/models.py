"""Access log rows. Each row stores the SHA-256 of the previous row's hash and its own fields,
so editing or deleting any row breaks the chain from that point on."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DDL, ForeignKey, String, event
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.timeutil import UTCDateTime, utcnow


class AccessLogEntry(db.Model):
    __tablename__ = "access_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    action: Mapped[str] = mapped_column(String(40), index=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_code: Mapped[str | None] = mapped_column(String(40), index=True)
    partnership_id: Mapped[int | None] = mapped_column(ForeignKey("partnership.id"), index=True)
    ip: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str | None] = mapped_column(String(500))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AccessLogHead(db.Model):
    """One row holding the chain's tip; locking it serialises appends across processes."""

    __tablename__ = "access_log_head"
    id: Mapped[int] = mapped_column(primary_key=True)
    last_id: Mapped[int] = mapped_column(default=0)
    last_hash: Mapped[str] = mapped_column(String(64))


# On PostgreSQL the table refuses UPDATE and DELETE outright; the hash chain still catches a
# superuser who disables the trigger. (SQLite, the embedded default, relies on the chain.)
APPEND_ONLY = DDL("""
CREATE OR REPLACE FUNCTION access_log_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'access_log is append-only'; END; $$ LANGUAGE plpgsql;
CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON access_log
FOR EACH ROW EXECUTE FUNCTION access_log_append_only();
""")
event.listen(AccessLogEntry.__table__, "after_create", APPEND_ONLY.execute_if(dialect="postgresql"))
