"""Security events: a row in `security_event` and one JSON line on the `security` logger.

Events are written in their own short transaction so that a refused request (which rolls back)
still leaves its trace. Only ids, event names and short codes are recorded: never passwords,
tokens, identity fields or free text typed by users. Control characters are escaped.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from flask import has_request_context, request
from sqlalchemy import insert

from core.extensions import db
from core.identity.models import SecurityEvent
from core.timeutil import iso_utc, utcnow

logger = logging.getLogger("partnership_audit.security")


def _client_ip() -> str | None:
    return request.remote_addr if has_request_context() else None


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    return text.encode("unicode_escape").decode("ascii")[:500]


def record(event: str, user: Any = None, detail: str | None = None) -> None:
    """Write a security event now, whatever happens to the surrounding transaction."""
    user_id = getattr(user, "id", None) if getattr(user, "is_authenticated", True) else None
    at = utcnow()
    row = {"at": at, "event": event, "user_id": user_id, "ip": _client_ip(),
           "detail": _clean(detail)}
    with db.engine.begin() as conn:
        conn.execute(insert(SecurityEvent), [row])
    logger.info(json.dumps({**row, "at": iso_utc(at)}))
