"""Running one job record: claim it, call its function, record how it ended.

The same code runs a job in-process (no REDIS_URL) and in an RQ work horse. A record is
claimed with a conditional UPDATE (queued → running), so a second dispatch of the same record,
or a record already finished, does nothing. The job's own writes and its "finished" mark are
committed together: a job whose work was lost is never shown as finished.

On failure the record keeps the exception's class name only. RQ is handed `JobFailed`, whose
text is the job name and that class name, because RQ stores the traceback in Redis and its
logs. Only transient errors (connection, timeout, database operational errors) keep RQ's
retries; any other error ends the job at once.
"""

from __future__ import annotations

import json
import logging
import traceback
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any

import redis
from flask import Flask, current_app, has_app_context
from rq import get_current_job
from sqlalchemy import update
from sqlalchemy.exc import OperationalError

from core.extensions import db
from core.jobs.models import JobRecord
from core.timeutil import utcnow

logger = logging.getLogger("partnership_audit.jobs")
TRANSIENT = (ConnectionError, TimeoutError, OperationalError, redis.ConnectionError,
             redis.TimeoutError)
MAX_RESULT = 4000  # characters of JSON; results are small summaries, the data stays in tables
_current: ContextVar[str | None] = ContextVar("current_job_id", default=None)


class JobFailed(Exception):
    """What RQ sees instead of a job's exception, whose message could carry identity."""


class UnknownJobType(Exception):
    """The record names a job no enabled plugin declares in this process."""


def execute(job_id: str) -> str:
    """Run the record `job_id` once; returns 'finished', 'failed', 'skipped' or 'superseded'.

    Always in a fresh app context (so a fresh session) and a request context made from
    PUBLIC_URL, so `url_for` works for result links and nobody is signed in: a job acts on the
    ids it was given, never on whoever happened to trigger it. Outside any app (a bare
    `rq worker`) the app is built once per process; `flask worker` forks from its app instead.
    """
    app = current_app._get_current_object() if has_app_context() else _standalone_app()
    with app.app_context(), app.test_request_context(base_url=app.config["PUBLIC_URL"]):
        return _run(job_id)


@cache
def _standalone_app() -> Flask:
    from core.app import create_app

    return create_app()


def current_job_id() -> str | None:
    """The record id of the job running in this context, if any."""
    return _current.get()


def _run(job_id: str) -> str:
    record = _claim(job_id)
    if record is None:
        return "skipped"
    name, kwargs, attempt = record.name, json.loads(record.kwargs), record.attempts
    token = _current.set(job_id)
    try:
        job_type = current_app.extensions["job_types"].get(name)
        if job_type is None:
            raise UnknownJobType(name)
        result = job_type.func(**kwargs)
        if not _finish(job_id, attempt, result):
            return "superseded"
    except Exception as exc:
        db.session.rollback()
        return _failed(job_id, name, exc, attempt)
    finally:
        _current.reset(token)
    return "finished"


def _claim(job_id: str) -> JobRecord | None:
    """Move a queued record to running; None if it is not queued (done, running or gone)."""
    now = utcnow()
    claimed = db.session.execute(
        update(JobRecord)
        .where(JobRecord.id == job_id, JobRecord.status == "queued")
        .values(status="running", started_at=now, attempts=JobRecord.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        logger.info("job %s not run: it is not waiting in the queue", job_id)
        return None
    db.session.execute(
        update(JobRecord)
        .where(JobRecord.id == job_id, JobRecord.dispatched_at.is_(None))
        .values(dispatched_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return db.session.get(JobRecord, job_id)


def _finish(job_id: str, attempt: int, result: Any) -> bool:
    """Commit the job's writes with its "finished" mark, only if this run still owns the
    record: the relay may have put back a run whose worker stopped beating, and a retry may
    have claimed it since (attempt + 1). Then this run's writes are rolled back: False."""
    done = db.session.execute(
        update(JobRecord)
        .where(JobRecord.id == job_id, JobRecord.status == "running",
               JobRecord.attempts == attempt)
        .values(status="finished", progress=100, finished_at=utcnow(), error_type=None,
                result=_result_json(job_id, result))
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:
        db.session.rollback()
        logger.warning("job %s attempt %d superseded by a retry: its writes are dropped",
                       job_id, attempt)
        return False
    db.session.commit()
    return True


def _result_json(job_id: str, result: Any) -> str | None:
    if result is None:
        return None
    try:
        text = json.dumps(result, sort_keys=True)
    except (TypeError, ValueError):
        logger.warning("job %s returned a %s, which is not JSON: result not kept",
                       job_id, type(result).__name__)
        return None
    if len(text) > MAX_RESULT:
        logger.warning("job %s result is %d characters: not kept", job_id, len(text))
        return None
    return text


def _failed(job_id: str, name: str, exc: Exception, attempt: int) -> str:
    """Record the failure (type name only) and tell RQ whether to retry."""
    rq_job = get_current_job()
    under_rq = rq_job is not None and rq_job.id == job_id
    retrying = under_rq and isinstance(exc, TRANSIENT) and bool(rq_job.retries_left)
    _record_failure(job_id, attempt, type(exc).__name__, retrying)
    logger.warning("job %s %s failed with %s at %s%s", name, job_id, type(exc).__name__,
                   _where(exc), "; RQ will retry it" if retrying else "")
    if not under_rq:
        return "failed"
    if not retrying:
        rq_job.retries_left = 0  # a permanent error: straight to RQ's failed registry
    raise JobFailed(f"job {name} failed with {type(exc).__name__}") from None


def _record_failure(job_id: str, attempt: int, error_type: str, retrying: bool) -> None:
    values: dict[str, Any] = {"error_type": error_type[:100]}
    values.update({"status": "queued"} if retrying else
                  {"status": "failed", "finished_at": utcnow()})
    db.session.execute(
        update(JobRecord).where(JobRecord.id == job_id, JobRecord.attempts == attempt)
        .values(**values).execution_options(synchronize_session=False)
    )
    db.session.commit()


def _where(exc: Exception) -> str:
    """File and line where the error was raised: enough to find it, nothing about data."""
    frames = traceback.extract_tb(exc.__traceback__)
    return f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "unknown"


def mark_horse_killed(job_id: str) -> None:
    """The work horse died mid-job (out of memory, kill -9): say so instead of 'running'."""
    db.session.execute(
        update(JobRecord)
        .where(JobRecord.id == job_id, JobRecord.status == "running")
        .values(status="failed", error_type="WorkHorseKilled", finished_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def job_progress(percent: int, result_url: str | None = None) -> None:
    """Tell the running job's page how far it has got (and, when known, where the result is).

    Written in its own short transaction so pages polling the job see it at once. SQLite
    allows one writer: if the job's own transaction already holds the write lock, the update
    joins that transaction instead (and shows when the job commits). Outside a job: no-op.
    """
    job_id = _current.get()
    if job_id is None:
        return
    values: dict[str, Any] = {"progress": max(0, min(100, int(percent)))}
    if result_url is not None:
        values["result_url"] = _local_path(result_url)
    statement = update(JobRecord).where(JobRecord.id == job_id).values(**values)
    if _holds_sqlite_write_lock():
        db.session.execute(statement.execution_options(synchronize_session=False))
        return
    with db.engine.begin() as conn:
        conn.execute(statement)


def _local_path(url: str) -> str:
    """Result links stay on this site (no open redirect, no javascript: links)."""
    if not url.startswith("/") or url.startswith("//") or "\\" in url or len(url) > 500:
        raise ValueError("result_url must be a path on this site, such as /cases/import/1")
    return url


def _holds_sqlite_write_lock() -> bool:
    session = db.session()
    if db.engine.dialect.name != "sqlite" or not session.in_transaction():
        return False
    raw = session.connection().connection.dbapi_connection
    return bool(getattr(raw, "in_transaction", False))
