"""Appending to and verifying the access log.

`append()` writes in the caller's transaction, so the logged action and its log entry commit or
fail together (an action whose entry cannot be written does not happen). The head row is read
`FOR UPDATE`, so concurrent appends queue rather than fork the chain.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from flask import has_request_context, request
from sqlalchemy import select

from core.accesslog.models import AccessLogEntry, AccessLogHead
from core.extensions import db
from core.timeutil import utcnow

GENESIS = "0" * 64
FIELDS = ("id", "at", "user_id", "action", "object_type", "object_code", "partnership_id",
          "ip", "detail", "prev_hash")


def entry_hash(values: dict[str, Any]) -> str:
    canonical = {k: values[k] for k in FIELDS}
    canonical["at"] = values["at"].isoformat()
    text = json.dumps(canonical, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _head() -> AccessLogHead:
    head = db.session.scalar(select(AccessLogHead).where(AccessLogHead.id == 1).with_for_update())
    if head is None:
        head = AccessLogHead(id=1, last_id=0, last_hash=GENESIS)
        db.session.add(head)
        db.session.flush()
    return head


def _clean(text: str | None) -> str | None:
    return None if text is None else text.encode("unicode_escape").decode("ascii")[:500]


def append(action: str, object_type: str, object_code: str | None = None, *,
           user: Any = None, partnership_id: int | None = None,
           detail: str | None = None) -> AccessLogEntry:
    """Add an entry to the chain inside the current transaction. Never pass identity here."""
    head = _head()
    values = {
        "id": head.last_id + 1, "at": utcnow().replace(microsecond=0),
        "user_id": getattr(user, "id", None), "action": action, "object_type": object_type,
        "object_code": object_code, "partnership_id": partnership_id,
        "ip": request.remote_addr if has_request_context() else None,
        "detail": _clean(detail), "prev_hash": head.last_hash,
    }
    entry = AccessLogEntry(**values, hash=entry_hash(values))
    db.session.add(entry)
    head.last_id, head.last_hash = entry.id, entry.hash
    db.session.flush()
    return entry


def append_many(entries: list[dict[str, Any]], *, user: Any = None) -> list[AccessLogEntry]:
    """`append` for many entries at once (a bulk import): one head read, one flush.

    Each entry is a dict of `action`, `object_type` and optionally `object_code`,
    `partnership_id` and `detail`; all are by `user`. Never pass identity here.
    """
    head = _head()
    at = utcnow().replace(microsecond=0)
    ip = request.remote_addr if has_request_context() else None
    rows = []
    for item in entries:
        values = {
            "id": head.last_id + 1, "at": at, "user_id": getattr(user, "id", None),
            "action": item["action"], "object_type": item["object_type"],
            "object_code": item.get("object_code"), "partnership_id": item.get("partnership_id"),
            "ip": ip, "detail": _clean(item.get("detail")), "prev_hash": head.last_hash,
        }
        entry = AccessLogEntry(**values, hash=entry_hash(values))
        rows.append(entry)
        head.last_id, head.last_hash = entry.id, entry.hash
    db.session.add_all(rows)
    db.session.flush()
    return rows


@dataclass(frozen=True)
class Verdict:
    ok: bool
    checked: int
    broken_at: int | None = None
    reason: str = ""


def verify(batch: int = 5000) -> Verdict:
    """Walk the chain in order; name the first entry whose link or content does not match."""
    expected_prev, expected_id, checked = GENESIS, 1, 0
    query = select(AccessLogEntry).order_by(AccessLogEntry.id).execution_options(yield_per=batch)
    for entry in db.session.scalars(query):
        values = {k: getattr(entry, k) for k in FIELDS}
        if entry.id != expected_id:
            return Verdict(False, checked, expected_id, f"entry {expected_id} is missing")
        if entry.prev_hash != expected_prev:
            return Verdict(False, checked, entry.id, "link to the previous entry is broken")
        if entry_hash(values) != entry.hash:
            return Verdict(False, checked, entry.id, "entry was altered")
        expected_prev, expected_id, checked = entry.hash, entry.id + 1, checked + 1
    head = db.session.get(AccessLogHead, 1)
    if head is not None and head.last_id != checked:
        return Verdict(False, checked, checked + 1, "entries after the last one are missing")
    return Verdict(True, checked)
