"""The outbox relay: send on the jobs that were committed but never dispatched.

That happens when Redis was down at commit time, or when the process died between its commit
and the in-process run. Records older than a minute (younger ones are probably being
dispatched right now) are sent again; the RQ job id is the record id and the runner claims a
record before running it, so a record relayed twice still runs once. With PostgreSQL, rows are
taken `FOR UPDATE SKIP LOCKED`, so two relays share the work instead of repeating it.

With Redis, the relay also puts back a record whose worker died mid-job (killed with its
horse, or its machine lost): RQ's heartbeat for it stopped more than two minutes ago. The
record goes back to 'queued' (at most MAX_ATTEMPTS runs in all, then 'failed') and is sent
again. A job's writes commit only with its "finished" mark, which the runner makes conditional
on its own attempt, so the lost run left nothing behind and a run that was merely cut off
from its worker cannot commit after the retry: the retry's notifications are the only ones.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import Select, select, update

from core.extensions import db
from core.jobs import queue
from core.jobs.models import JobRecord
from core.timeutil import utcnow

RELAY_JOB = "core.relay"
STALE = timedelta(minutes=1)
ABANDONED_AFTER = timedelta(minutes=10)  # past the longest job timeout
HEARTBEAT_LOST = timedelta(minutes=2)  # RQ beats every 30 s while a horse lives
MAX_ATTEMPTS = 3
BATCH = 200


def relay(now: datetime | None = None) -> int:
    """Dispatch undispatched records older than a minute; returns how many were sent."""
    now = now or utcnow()
    if queue.redis_mode():
        requeue_lost(now)
    fail_abandoned(now)
    cutoff = now - STALE
    query = (
        select(JobRecord)
        .where(JobRecord.status == "queued", JobRecord.dispatched_at.is_(None),
               JobRecord.created_at < cutoff)
        .order_by(JobRecord.created_at)
        .limit(BATCH)
    )
    return _to_redis(query) if queue.redis_mode() else _inline(query)


def _to_redis(query: Select) -> int:
    records = db.session.scalars(query.with_for_update(skip_locked=True)).all()
    sent = 0
    try:
        for record in records:
            if not _superseded(record):
                queue.push(record.id, record.name, _timeout(record.name))
                record.dispatched_at = utcnow()
                sent += 1
    finally:
        db.session.commit()  # keep what was sent even if Redis failed half-way
    return sent


def _inline(query: Select) -> int:
    from core.jobs.runner import execute

    records = db.session.scalars(query).all()
    ids = [r.id for r in records if not _superseded(r)]
    db.session.commit()
    for record_id in ids:
        execute(record_id)
    return len(ids)


def requeue_lost(now: datetime) -> int:
    """Records 'running' whose worker stopped beating go back to the queue (or fail after
    MAX_ATTEMPTS runs); returns how many were put back."""
    cutoff = now - HEARTBEAT_LOST
    running = db.session.scalars(
        select(JobRecord)
        .where(JobRecord.status == "running", JobRecord.started_at < cutoff)
        .limit(BATCH).with_for_update(skip_locked=True)
    ).all()
    back = 0
    for record in running:
        if not queue.horse_gone(record.id, cutoff):
            continue
        queue.forget(record.id)
        record.error_type = "WorkerLost"
        if record.attempts >= MAX_ATTEMPTS:
            record.status, record.finished_at = "failed", now
            continue
        record.status, record.dispatched_at, record.started_at = "queued", None, None
        back += 1
    db.session.commit()
    return back


def fail_abandoned(now: datetime) -> int:
    """Records still 'running' long after any job could (its process died: a worker killed
    mid-job, a web process restarted during an in-process job) are marked failed, so their
    pages stop saying 'running'. RQ itself moves such jobs to its failed registry."""
    longest = max([current_app.config["JOB_TIMEOUT"]] + [
        jt.timeout or 0 for jt in current_app.extensions["job_types"].values()])
    gone = db.session.execute(
        update(JobRecord)
        .where(JobRecord.status == "running",
               JobRecord.started_at < now - timedelta(seconds=longest) - ABANDONED_AFTER)
        .values(status="failed", error_type="AbandonedJob", finished_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return gone.rowcount


def _superseded(record: JobRecord) -> bool:
    """An old relay run left behind is covered by this one: close it instead of running it."""
    if record.name != RELAY_JOB:
        return False
    record.status, record.finished_at = "finished", utcnow()
    record.result = json.dumps({"superseded": True})
    return True


def _timeout(name: str) -> int | None:
    job_type = current_app.extensions["job_types"].get(name)
    return job_type.timeout if job_type else None
