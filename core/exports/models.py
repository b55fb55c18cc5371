"""One row per export: what was asked for, by whom, how far the job got, and where the file is.

The file is encrypted on disk under a key of its own, sealed into this row like identity
(`sealed_files`), and deleted when the export expires. `params` holds dates and opaque ids only.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.crypto.fields import EncryptedFields
from core.extensions import db
from core.timeutil import UTCDateTime, utcnow

KINDS = {"report": "QA report", "action_plan": "Action plan"}
FORMATS = {
    "xlsx": ("Spreadsheet (XLSX)",
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "csv": ("CSV", "text/csv; charset=utf-8"),
    "pdf": ("PDF", "application/pdf"),
}
STATUSES = {"queued": "Waiting", "building": "Being built", "ready": "Ready",
            "failed": "Failed", "expired": "Expired"}


def new_id() -> str:
    return uuid.uuid4().hex


class ExportFile(EncryptedFields, db.Model):
    __tablename__ = "export_file"
    __encrypted__ = ("file_key",)
    __table_args__ = (Index("ix_export_file_expiry", "status", "expires_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(20))
    format: Mapped[str] = mapped_column(String(10))
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    params: Mapped[str] = mapped_column(Text, default="{}")
    permission: Mapped[str] = mapped_column(String(60))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(20), default="queued")
    job_id: Mapped[str | None] = mapped_column(String(32))
    storage_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    file_key_enc: Mapped[str | None] = mapped_column(Text)
    size: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str | None] = mapped_column(String(64))
    rows: Mapped[int | None] = mapped_column(Integer)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("id", new_id())  # the id binds the sealed key and the file's chunks
        super().__init__(**kwargs)

    @property
    def options(self) -> dict[str, Any]:
        return json.loads(self.params or "{}")

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)

    @property
    def format_label(self) -> str:
        return FORMATS[self.format][0] if self.format in FORMATS else self.format

    @property
    def status_label(self) -> str:
        return STATUSES.get(self.status, self.status)
