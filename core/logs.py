"""Structured logs: one JSON object per line, each carrying the request id.

The request id comes from a trusted proxy's `X-Request-Id` when it is well formed, otherwise
it is made here; it is echoed in the response so a person reporting a problem can quote it.
Log messages carry ids, codes and event names only: never names, dates of birth, tokens or
free text (the modules that log are written that way; the security and API logs show how).
"""

from __future__ import annotations

import json
import logging
import re
import sys
import uuid
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request

from core.timeutil import iso_utc

REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
LOGGER = "partnership_audit"


def current_request_id() -> str:
    return g.get("request_id", "-") if has_request_context() else "-"


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        at = iso_utc(datetime.fromtimestamp(record.created, UTC))
        entry = {"at": at,
                 "level": record.levelname, "logger": record.name,
                 "request_id": getattr(record, "request_id", "-"),
                 "message": record.getMessage()}
        if record.exc_info:
            entry["exception"] = record.exc_info[0].__name__ if record.exc_info[0] else None
        return json.dumps(entry)


def _assign_request_id() -> None:
    given = request.headers.get("X-Request-Id", "")
    g.request_id = given if REQUEST_ID.match(given) else uuid.uuid4().hex


def _echo_request_id(response):
    response.headers["X-Request-Id"] = current_request_id()
    return response


def init_app(app: Flask) -> None:
    app.before_request(_assign_request_id)
    app.after_request(_echo_request_id)
    logger = logging.getLogger(LOGGER)
    if not any(isinstance(f, RequestIdFilter) for f in logger.filters):
        logger.addFilter(RequestIdFilter())
    if app.testing or any(getattr(h, "_structured", False) for h in logger.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler._structured = True  # type: ignore[attr-defined]
    logger.addHandler(handler)
