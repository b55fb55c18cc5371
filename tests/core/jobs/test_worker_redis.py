"""Against a real Redis with a real `flask worker` subprocess (RQ, JSON, fork per job)."""

from __future__ import annotations

import contextlib
import zlib

import pytest
from rq import Retry
from rq.job import Job
from rq.registry import FailedJobRegistry
from rq.serializers import JSONSerializer

from core.extensions import db
from core.jobs import enqueue, queue
from core.jobs.models import JobRecord
from tests.core.jobs.conftest import redis_values, run_worker
from tests.core.jobs.jobtest_plugin import CANARY

pytestmark = pytest.mark.redis


def record(job_id: str) -> JobRecord:
    db.session.expire_all()
    return db.session.get(JobRecord, job_id)


def runs(rq_env, code: str) -> int:
    return int(rq_env.conn.get(f"jobtest:runs:{code}") or 0)


def test_a_job_enqueued_with_redis_runs_in_the_worker_and_finishes_with_its_result(app, rq_env):
    code = f"{rq_env.queue}-ok"
    job = enqueue("jobtest.echo", code=code)
    db.session.commit()
    assert record(job.id).dispatched_at is not None
    assert record(job.id).status == "queued"
    run_worker(app, rq_env)
    done = record(job.id)
    assert (done.status, done.progress, done.result_url) == ("finished", 100, "/jobs/")
    assert done.result == f'{{"code": "{code}"}}'
    assert runs(rq_env, code) == 1


def test_the_queue_holds_only_the_record_id_as_json_with_a_short_failure_ttl(app, rq_env):
    job = enqueue("jobtest.echo", code=f"{rq_env.queue}-ttl")
    db.session.commit()
    stored = Job.fetch(job.id, connection=rq_env.conn, serializer=JSONSerializer)
    assert stored.func_name == "core.jobs.runner.execute"
    assert (stored.args, stored.kwargs) == ([job.id], {})
    assert stored.failure_ttl == app.config["JOB_FAILURE_TTL"] < 31 * 24 * 3600
    assert stored.timeout == app.config["JOB_TIMEOUT"]
    raw = zlib.decompress(rq_env.conn.hget(f"rq:job:{job.id}", "data"))
    assert raw.startswith(b"[")  # JSON, not a pickle
    assert queue.get_queue().serializer is JSONSerializer


def test_a_job_that_raises_value_error_fails_without_retry_and_leaves_no_canary(app, rq_env):
    code = f"{rq_env.queue}-bad"
    job = enqueue("jobtest.fail", code=code)
    db.session.commit()
    done = run_worker(app, rq_env)
    failed = record(job.id)
    assert (failed.status, failed.error_type, failed.attempts) == ("failed", "ValueError", 1)
    assert runs(rq_env, code) == 1
    registry = FailedJobRegistry(rq_env.queue, connection=rq_env.conn)
    assert job.id in registry.get_job_ids()
    assert Job.fetch(job.id, connection=rq_env.conn, serializer=JSONSerializer).retries_left == 0
    assert CANARY.encode() not in b"\n".join(_readable(redis_values(rq_env.conn)))
    assert CANARY not in done.stdout + done.stderr
    assert CANARY not in repr(db.session.execute(
        JobRecord.__table__.select().where(JobRecord.id == job.id)).one())


def _readable(values: list[bytes]) -> list[bytes]:
    """The values, with RQ's zlib-compressed job data opened too."""
    out = []
    for value in values:
        out.append(value)
        with contextlib.suppress(zlib.error):
            out.append(zlib.decompress(value))
    return out


def test_dispatching_the_same_record_twice_runs_it_once(app, rq_env):
    code = f"{rq_env.queue}-twice"
    job = enqueue("jobtest.echo", code=code)
    db.session.commit()
    assert queue.push(job.id, job.name, None) is False  # RQ refuses the duplicate id
    run_worker(app, rq_env)
    rq_env.conn.delete(f"rq:job:{job.id}")  # even after RQ forgot it (result TTL passed) ...
    assert queue.push(job.id, job.name, None) is True
    run_worker(app, rq_env)  # ... the worker finds the record finished and skips it
    assert runs(rq_env, code) == 1
    assert record(job.id).attempts == 1


def test_a_transient_error_is_retried_until_the_job_succeeds(app, rq_env, monkeypatch):
    monkeypatch.setattr(queue, "RETRY", Retry(max=3, interval=0))  # no waiting in tests
    code = f"{rq_env.queue}-flaky"
    job = enqueue("jobtest.flaky", code=code)
    db.session.commit()
    run_worker(app, rq_env)
    done = record(job.id)
    assert (done.status, done.attempts, done.error_type) == ("finished", 3, None)
    assert runs(rq_env, code) == 3


def test_a_job_committed_while_redis_was_unreachable_is_relayed_to_the_worker(
        app, rq_env, monkeypatch):
    from datetime import timedelta

    from core.jobs.relay import relay
    from core.timeutil import utcnow

    code = f"{rq_env.queue}-relay"
    with monkeypatch.context() as patch:
        patch.setattr(queue, "push", _redis_down)
        job = enqueue("jobtest.echo", code=code)
        db.session.commit()
    assert record(job.id).dispatched_at is None
    assert relay(utcnow() + timedelta(minutes=2)) == 1
    assert record(job.id).dispatched_at is not None
    run_worker(app, rq_env)
    assert record(job.id).status == "finished"
    assert runs(rq_env, code) == 1


def _redis_down(*args, **kwargs):
    import redis

    raise redis.ConnectionError("connection refused")


def test_a_job_that_outlives_its_timeout_is_failed(app, rq_env):
    code = f"{rq_env.queue}-slow"
    job = enqueue("jobtest.slow", code=code)
    db.session.commit()
    run_worker(app, rq_env)
    failed = record(job.id)
    assert (failed.status, failed.error_type, failed.attempts) == (
        "failed", "JobTimeoutException", 1)
