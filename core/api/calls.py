"""One `api_call` row and one JSON log line per API request, whatever its outcome.

Written in a short transaction of its own (like security events), so a refused or failed call
still leaves its trace. Only ids, the endpoint name and the status: never bodies or parameters.
"""

from __future__ import annotations

import json
import logging

from flask import request
from sqlalchemy import insert, update
from sqlalchemy.exc import InterfaceError, OperationalError

from core.api.models import ApiCall, ApiToken
from core.extensions import db
from core.timeutil import utcnow

logger = logging.getLogger("partnership_audit.api")


def record_call(token, status: int) -> None:
    # A refused call keeps none of its writes; a successful one has committed its own already.
    # Either way the session holds no write lock when the log row is written (SQLite). This
    # comes before reading the token: after a failed flush (two saves racing) the session
    # refuses to load anything until it is rolled back.
    if status >= 400:
        db.session.rollback()
    else:
        db.session.commit()
    row = {"at": utcnow(), "token_id": getattr(token, "id", None),
           "user_id": getattr(token, "user_id", None),
           "agency_id": getattr(token, "agency_id", None), "method": request.method,
           "endpoint": (request.endpoint or "unknown")[:120], "status": status}
    try:
        with db.engine.begin() as conn:
            conn.execute(insert(ApiCall), [row])
            if token is not None:
                conn.execute(update(ApiToken).where(ApiToken.id == token.id)
                             .values(last_used_at=row["at"]))
    except (OperationalError, InterfaceError) as exc:
        # The database is down (the call is answered 503): the log line is the only trace.
        logger.warning("api_call row not written (%s)", type(exc).__name__)
    logger.info(json.dumps({**row, "at": row["at"].isoformat().replace("+00:00", "Z")}))
