"""One `api_call` row and one JSON log line per API request, whatever its outcome.

Written in a short transaction of its own (like security events), so a refused or failed call
still leaves its trace. Only ids, the endpoint name and the status: never bodies or parameters.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from typing import Any

from flask import request
from sqlalchemy import insert, update
from sqlalchemy.exc import InterfaceError, OperationalError

from core.api.models import ApiCall, ApiToken
from core.extensions import db
from core.timeutil import iso_utc, utcnow

logger = logging.getLogger("partnership_audit.api")


# `last_used_at` is shown to the token's owner to the minute; writing it on every call would add
# a statement to each one for nothing anyone can see.
LAST_USED_GRAIN = timedelta(minutes=1)
_IDS = ("id", "user_id", "agency_id", "last_used_at")


def seen(token) -> dict[str, Any]:
    """The token's columns as authentication loaded them, kept for the call log: the view's
    commit expires the token, and reading it again would cost a statement (and after a failed
    flush the session cannot load at all)."""
    return {name: getattr(token, name) for name in _IDS}


def last_used_due(last_used_at: datetime | None, now: datetime) -> bool:
    """Whether `last_used_at` is old enough to be worth writing again (see LAST_USED_GRAIN)."""
    return last_used_at is None or now - last_used_at >= LAST_USED_GRAIN


def record_call(token, status: int, known: dict[str, Any] | None = None) -> None:
    """Log the call; `known` is `seen(token)` from authentication, when there was one."""
    # A refused call keeps none of its writes; a successful one has committed its own already.
    # Either way the session holds no write lock when the log row is written (SQLite). This
    # comes before loading anything of the token: after a failed flush (two saves racing) the
    # session refuses to load anything until it is rolled back.
    if status >= 400:
        db.session.rollback()
    else:
        db.session.commit()
    if known is None:
        known = seen(token) if token is not None else dict.fromkeys(_IDS)
    row = {"at": utcnow(), "token_id": known["id"], "user_id": known["user_id"],
           "agency_id": known["agency_id"], "method": request.method,
           "endpoint": (request.endpoint or "unknown")[:120], "status": status}
    try:
        with db.engine.begin() as conn:
            conn.execute(insert(ApiCall), [row])
            if token is not None and last_used_due(known["last_used_at"], row["at"]):
                conn.execute(update(ApiToken).where(ApiToken.id == known["id"])
                             .values(last_used_at=row["at"]))
    except (OperationalError, InterfaceError) as exc:
        # The database is down (the call is answered 503): the log line is the only trace.
        logger.warning("api_call row not written (%s)", type(exc).__name__)
    logger.info(json.dumps({**row, "at": iso_utc(row["at"])}))
