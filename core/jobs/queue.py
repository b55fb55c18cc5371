"""Redis and RQ: the connection, the queue and the one way a job record reaches it.

Only the record id travels: RQ stores `core.jobs.runner.execute(<id>)` serialised as JSON
(never pickle), with `job_id` = the record id and `unique=True`, so dispatching the same record
twice leaves one RQ job. Failed RQ jobs live for JOB_FAILURE_TTL, not RQ's default year.
"""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime

import redis
from flask import current_app
from rq import Queue, Retry
from rq.exceptions import DuplicateJobError, NoSuchJobError
from rq.job import Job, JobStatus
from rq.serializers import JSONSerializer

EXECUTE = "core.jobs.runner.execute"
# Transient failures are retried after 10 s, 1 min and 5 min (the runner stops retries for
# anything else). Delayed retries need a worker started with its scheduler (`flask worker`).
RETRY = Retry(max=3, interval=[10, 60, 300])
RESULT_TTL = 3600  # the JobRecord keeps the result; RQ's copy is only for its own tools


def redis_mode() -> bool:
    """True when jobs go to RQ; False in the embedded default (jobs run in-process)."""
    return bool(current_app.config.get("REDIS_URL"))


def connection(socket_timeout: float | None = 5) -> redis.Redis:
    """A client for REDIS_URL. Web processes use short timeouts so a Redis outage costs a
    request seconds, not minutes; the worker passes None and RQ sets its own."""
    return redis.Redis.from_url(
        current_app.config["REDIS_URL"], socket_connect_timeout=2, socket_timeout=socket_timeout
    )


def client() -> redis.Redis:
    """The app's shared web-side client (redis-py reconnects by itself after a fork)."""
    if "redis" not in current_app.extensions:
        current_app.extensions["redis"] = connection()
    return current_app.extensions["redis"]


def get_queue(conn: redis.Redis | None = None) -> Queue:
    return Queue(
        current_app.config["RQ_QUEUE"],
        connection=conn or client(),
        serializer=JSONSerializer,
        default_timeout=current_app.config["JOB_TIMEOUT"],
    )


def push(record_id: str, name: str, timeout: int | None) -> bool:
    """Put one record on the queue; False if RQ already holds a job with that id."""
    try:
        get_queue().enqueue(
            EXECUTE,
            record_id,
            job_id=record_id,
            unique=True,
            description=name,
            retry=RETRY,
            job_timeout=timeout or current_app.config["JOB_TIMEOUT"],
            failure_ttl=current_app.config["JOB_FAILURE_TTL"],
            result_ttl=RESULT_TTL,
        )
    except DuplicateJobError:
        return False
    return True


def redis_ok() -> bool:
    """Whether Redis answers a ping (for /readyz; the client's timeouts keep it short)."""
    if not redis_mode():
        return False
    try:
        return bool(client().ping())
    except redis.RedisError:
        return False


def horse_gone(record_id: str, cutoff: datetime) -> bool:
    """Whether RQ's copy of a running record says no process is working on it any more.

    Gone: RQ no longer has the job, RQ has already moved it on from 'started', or its
    heartbeat (sent every 30 s while the horse lives) is older than `cutoff`. A heartbeat
    is written by the worker that watches the horse, so a worker killed with its horse stops
    beating; RQ alone would only retry it after its registry expires and another worker cleans up.
    """
    try:
        job = Job.fetch(record_id, connection=client(), serializer=JSONSerializer)
    except NoSuchJobError:
        return True
    if job.get_status(refresh=False) != JobStatus.STARTED:
        return True
    beat = job.last_heartbeat or job.started_at
    if beat is None:
        return True
    return (beat if beat.tzinfo else beat.replace(tzinfo=UTC)) < cutoff


def forget(record_id: str) -> None:
    """Delete RQ's copy of a record (so it can be pushed again under the same id)."""
    with contextlib.suppress(NoSuchJobError):
        Job.fetch(record_id, connection=client(), serializer=JSONSerializer).delete()
