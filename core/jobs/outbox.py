"""Enqueue after commit: the transactional outbox.

`enqueue` adds a `JobRecord` to the caller's transaction and notes its id on the session. When
that transaction commits, each noted record is dispatched: to RQ with REDIS_URL set, otherwise
run at once in a fresh app context (hence a fresh database session: Flask-SQLAlchemy scopes
sessions per app context). A rollback drops the notes with the rows, so nothing runs.

Commit-then-dispatch is not atomic: if Redis is down the record stays "queued" with no
`dispatched_at`, and the relay (`flask jobs relay`, and the `core.relay` schedule) sends it
later. RQ's job id is the record id, and the runner claims a record with a conditional UPDATE,
so a record dispatched twice still runs once.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from flask import Flask, current_app, has_request_context
from flask_login import current_user
from redis import RedisError
from sqlalchemy import event, update
from sqlalchemy.orm import Session

from core.extensions import db
from core.jobs import queue
from core.jobs.models import JobRecord, new_job_id
from core.timeutil import utcnow

logger = logging.getLogger("partnership_audit.jobs")
PENDING = "pending_jobs"
MAX_TEXT = 64  # an opaque id or short code, never a name or narrative


def check_kwargs(kwargs: dict[str, Any]) -> str:
    """The kwargs as JSON, or TypeError if any value is more than an opaque id or short code."""
    for key, value in kwargs.items():
        values = value if isinstance(value, list | tuple) else [value]
        for item in values:
            if not _opaque(item):
                raise TypeError(
                    f"Job argument '{key}' must be an id or short code (int, bool, None or "
                    f"text up to {MAX_TEXT} characters, or a list of them), "
                    f"not {type(item).__name__}."
                )
    return json.dumps(kwargs, sort_keys=True)


def _opaque(value: Any) -> bool:
    if value is None or isinstance(value, bool | int):
        return True
    return isinstance(value, str) and len(value) <= MAX_TEXT


def enqueue(
    name: str,
    *,
    created_by: int | None = None,
    partnership_id: int | None = None,
    **kwargs: Any,
) -> JobRecord:
    """Queue job `name` to run once the current transaction commits; returns its record.

    `created_by` defaults to the signed-in person during a request (they may then follow the
    job's page). Raises KeyError for a name no enabled plugin declares, TypeError for kwargs
    that are not opaque ids.
    """
    job_type = current_app.extensions["job_types"].get(name)
    if job_type is None:
        raise KeyError(f"Unknown job '{name}': no enabled plugin declares a job type of that name.")
    record = JobRecord(
        id=new_job_id(),
        name=name,
        status="queued",
        progress=0,
        kwargs=check_kwargs(kwargs),
        created_by=created_by if created_by is not None else _signed_in_user_id(),
        partnership_id=partnership_id,
        created_at=utcnow(),
        attempts=0,
    )
    db.session.add(record)
    db.session.info.setdefault(PENDING, []).append(
        (current_app._get_current_object(), record.id, name, job_type.timeout)
    )
    return record


def _signed_in_user_id() -> int | None:
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user.id
    return None


def dispatch(app: Flask, record_id: str, name: str, timeout: int | None) -> None:
    """Send one committed record on its way; failures are logged and left for the relay."""
    with app.app_context():
        try:
            if queue.redis_mode():
                _push(record_id, name, timeout)
            else:
                from core.jobs.runner import execute

                execute(record_id)
        except Exception as exc:  # the caller's commit has happened: never undo it
            logger.warning("job %s %s not dispatched (%s); the relay will retry",
                           name, record_id, type(exc).__name__)


def _push(record_id: str, name: str, timeout: int | None) -> None:
    """Enqueue on RQ, then note when (a duplicate means it is already there)."""
    if db.session.get(JobRecord, record_id) is None:
        return  # added inside a savepoint that was rolled back
    try:
        queue.push(record_id, name, timeout)
    except RedisError as exc:
        logger.warning("Redis unavailable (%s): job %s %s stays in the outbox",
                       type(exc).__name__, name, record_id)
        return
    mark_dispatched(record_id)


def mark_dispatched(record_id: str) -> None:
    with db.engine.begin() as conn:
        conn.execute(
            update(JobRecord)
            .where(JobRecord.id == record_id, JobRecord.dispatched_at.is_(None))
            .values(dispatched_at=utcnow())
        )


def _after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint was released; the outer transaction may still roll back
    for app, record_id, name, timeout in session.info.pop(PENDING, []):
        dispatch(app, record_id, name, timeout)


def _after_transaction_end(session: Session, transaction: Any) -> None:
    if transaction.parent is None:
        session.info.pop(PENDING, None)  # rolled back or closed without a commit


def listen() -> None:
    """Hook the session events once per process (they key everything on `session.info`)."""
    target = db.session
    if not event.contains(target, "after_commit", _after_commit):
        event.listen(target, "after_commit", _after_commit)
        event.listen(target, "after_transaction_end", _after_transaction_end)
