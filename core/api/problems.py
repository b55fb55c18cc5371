"""RFC 9457 problem details: every API error is JSON naming what is wrong and where.

Validation errors carry an `errors` list of `{"pointer", "field", "detail"}`, one per bad field,
with a JSON Pointer into the request body (or the query string's parameter name).
"""

from __future__ import annotations

from typing import Any

from flask import Response, json
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

MEDIA_TYPE = "application/problem+json"


def problem(status: int, detail: str | None = None, **extra: Any) -> Response:
    body = {"type": "about:blank", "title": HTTP_STATUS_CODES.get(status, "Error"),
            "status": status}
    if detail:
        body["detail"] = detail
    body.update(extra)
    response = Response(json.dumps(body), status=status, mimetype=MEDIA_TYPE)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def _flatten(messages: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], str]]:
    if isinstance(messages, dict):
        found = []
        for key, value in messages.items():
            found += _flatten(value, (*path, str(key)))
        return found
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return [(path, m) for m in messages]
    if isinstance(messages, list):
        return [item for i, m in enumerate(messages) for item in _flatten(m, (*path, str(i)))]
    return [(path, str(messages))]


def field_errors(messages: dict[str, Any]) -> list[dict[str, str]]:
    """webargs messages ({"json": {"field": ["msg"]}}) as problem-detail errors."""
    errors = []
    for (location, *names), message in _flatten(messages):
        pointer = "#/" + "/".join(names) if location == "json" else "/".join(names)
        errors.append({"pointer": pointer, "field": ".".join(names) or location,
                       "detail": message})
    return errors


def from_http_exception(exc: HTTPException) -> Response:
    status = exc.code or 500
    data = getattr(exc, "data", None) or {}
    messages = data.get("messages")
    if messages:
        return problem(status, "The request has invalid fields.", errors=field_errors(messages))
    description = exc.description if status < 500 else None
    return problem(status, description or None)
