"""`Idempotency-Key` for POST: a retried request creates nothing twice.

The decorated view must not commit: the decorator stores the response beside the view's own
writes and commits both at once. A retry with the same key and the same body gets the stored
response again (`Idempotent-Replayed: true`); the same key with a different body is refused.
Two concurrent first attempts: the unique (person, key) pair lets one win; the other rolls back
and replays the winner's response. A commit that clashes on anything else (two different
requests creating the same row at once) saves nothing and answers 409.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Response, make_response, request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.api.auth import current_token
from core.api.models import IdempotentResponse
from core.api.problems import problem
from core.extensions import db

F = TypeVar("F", bound=Callable[..., Any])
HEADER = "Idempotency-Key"
MAX_KEY = 255
CLASHED = ("Someone else saved the same thing at the same moment, so nothing of this request "
           "was saved; read it and try again.")


def _request_hash() -> str:
    return hashlib.sha256(request.method.encode() + request.path.encode() + b"\n"
                          + request.get_data()).hexdigest()


def _stored(user_id: int, key: str) -> IdempotentResponse | None:
    return db.session.scalar(select(IdempotentResponse).where(
        IdempotentResponse.user_id == user_id, IdempotentResponse.key == key))


def _replay(record: IdempotentResponse, request_hash: str) -> Response:
    if record.request_hash != request_hash:
        return problem(422, f"This {HEADER} was already used for a different request; "
                            "use a new key for a new request.")
    response = Response(record.body, status=record.status, mimetype="application/json")
    response.headers["Idempotent-Replayed"] = "true"
    return response


def _after_conflict(user_id: int, key: str, request_hash: str) -> Response:
    """The commit hit a unique constraint. If another attempt with this key won, replay its
    answer; otherwise the clash was in the view's own writes (someone else created the same
    thing at the same moment), so nothing was saved and the caller should read and retry."""
    record = _stored(user_id, key)
    if record is None:
        return problem(409, CLASHED)
    return _replay(record, request_hash)


def idempotent(view: F) -> F:
    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        key = request.headers.get(HEADER, "").strip()
        if not key or len(key) > MAX_KEY:
            return problem(400, f"Send an {HEADER} header (1 to {MAX_KEY} characters), so a "
                                "retried request does not create anything twice.")
        user_id, request_hash = current_token().user_id, _request_hash()
        record = _stored(user_id, key)
        if record is not None:
            return _replay(record, request_hash)
        response = make_response(view(*args, **kwargs))
        if response.status_code >= 400:
            db.session.rollback()
            return response
        db.session.add(IdempotentResponse(user_id=user_id, key=key, request_hash=request_hash,
                                          status=response.status_code,
                                          body=response.get_data(as_text=True)))
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            return _after_conflict(user_id, key, request_hash)
        return response

    return wrapped  # type: ignore[return-value]
