"""A worker killed mid-job (SIGKILL, with its work horse: a lost machine or container) while
the job has written a notification it has not committed. The relay sees RQ's heartbeat for
the job stop, puts the record back, and the retry tells the person once: the killed run's
writes died with it, and a run cut off from its worker can no longer commit after a retry."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from core.extensions import db
from core.jobs import enqueue
from core.jobs.models import JobRecord, MailMessage
from core.jobs.relay import MAX_ATTEMPTS, relay
from core.notifications.models import Notification
from core.timeutil import utcnow
from tests.faults import faults_plugin
from tests.faults.conftest import run_worker, start_worker
from tests.support import factories as f

LATER = timedelta(minutes=3)  # past the two minutes without a heartbeat that mean "lost"


def _record(job_id: str) -> JobRecord:
    db.session.expire_all()
    return db.session.get(JobRecord, job_id)


def _told(user) -> tuple[int, int]:
    """Notifications and emails for `user`."""
    notes = db.session.scalar(select(func.count(Notification.id))
                              .where(Notification.recipient_id == user.id))
    mails = db.session.scalar(select(func.count(MailMessage.id))
                              .where(MailMessage.recipient == user.email))
    return notes, mails


def _wait_for(conn, key: str, seconds: float = 90) -> int:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = conn.get(key)
        if value:
            return int(value)
        time.sleep(0.2)
    raise AssertionError(f"{key} never appeared: the job did not reach its gate")


def _kill(worker, horse_pid: int) -> None:
    """SIGKILL the worker first (so nothing reports the horse's death), then its horse."""
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=30)
    if horse_pid:
        with contextlib.suppress(ProcessLookupError):
            os.kill(horse_pid, signal.SIGKILL)


@pytest.mark.redis
def test_a_job_whose_worker_is_killed_is_retried_and_tells_the_person_once(app, rq_env):
    person = f.make_user("platform_admin", email="drill@example.test")
    code = f"{rq_env.queue}-kill"
    job = enqueue("faults.tell_then_wait", user_id=person.id, code=code)
    db.session.commit()

    worker, horse = start_worker(app, rq_env, f"{rq_env.queue}_doomed"), 0
    try:
        horse = _wait_for(rq_env.conn, faults_plugin.pid_key(code))
    finally:
        _kill(worker, horse)

    # The killed run's writes were never committed; its record still says running.
    assert _record(job.id).status == "running"
    assert _told(person) == (0, 0)
    assert relay(utcnow()) == 0  # heartbeat not yet overdue: a live job is never touched

    assert relay(utcnow() + LATER) == 1
    back = _record(job.id)
    assert (back.status, back.error_type) == ("queued", "WorkerLost")
    rq_env.conn.rpush(faults_plugin.gate_key(code), "go")
    run_worker(app, rq_env)

    done = _record(job.id)
    assert (done.status, done.attempts, done.error_type) == ("finished", 2, None)
    assert _told(person) == (1, 1)
    assert db.session.scalar(select(MailMessage.status)
                             .where(MailMessage.recipient == person.email)) != "pending"
    assert relay(utcnow() + LATER) == 0
    run_worker(app, rq_env)
    assert _told(person) == (1, 1)


@pytest.mark.redis
def test_a_job_whose_work_horse_alone_is_killed_is_failed_and_tells_nobody(app, rq_env):
    """The kernel's OOM killer takes the horse, the worker lives on and reports it: the record
    says failed (not "running" for ever), the half-done writes are gone, and the relay leaves
    it alone: a job that ran out of memory once would do so again."""
    person = f.make_user("platform_admin", email="oom@example.test")
    code = f"{rq_env.queue}-oom"
    job = enqueue("faults.tell_then_wait", user_id=person.id, code=code)
    db.session.commit()

    worker = start_worker(app, rq_env, f"{rq_env.queue}_survivor")
    try:
        os.kill(_wait_for(rq_env.conn, faults_plugin.pid_key(code)), signal.SIGKILL)
        deadline = time.monotonic() + 60
        while _record(job.id).status == "running" and time.monotonic() < deadline:
            time.sleep(0.2)
        assert worker.poll() is None, "the worker itself must survive its horse"
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)

    failed = _record(job.id)
    assert (failed.status, failed.error_type) == ("failed", "WorkHorseKilled")
    assert failed.finished_at is not None
    assert _told(person) == (0, 0)
    assert relay(utcnow() + LATER) == 0
    assert _record(job.id).status == "failed"


def test_a_run_overtaken_by_a_retry_cannot_commit_its_writes(app):
    """In-process: while the job runs, the relay puts it back and a retry claims it (attempt
    2). The first run's notification and email are rolled back with its "finished" mark."""
    person = f.make_user("platform_admin", email="late@example.test")
    db.session.commit()

    def overtaken() -> None:
        with db.engine.begin() as conn:
            conn.execute(update(JobRecord).where(JobRecord.name == "faults.tell_then_wait")
                         .values(attempts=JobRecord.attempts + 1))

    faults_plugin.PROBES.append(overtaken)
    job = enqueue("faults.tell_then_wait", user_id=person.id, code="late")
    db.session.commit()  # runs in-process (no Redis) after the commit
    late = _record(job.id)
    assert (late.status, late.attempts, late.finished_at) == ("running", 2, None)
    assert _told(person) == (0, 0)


@pytest.mark.redis
def test_a_job_lost_too_often_is_failed_not_retried_for_ever(app, rq_env):
    stuck = JobRecord(id=f"{rq_env.queue}lost", name="faults.tell_then_wait", status="running",
                      kwargs='{"user_id": 1, "code": "x"}', attempts=MAX_ATTEMPTS,
                      created_at=utcnow(), started_at=utcnow(), dispatched_at=utcnow())
    db.session.add(stuck)
    db.session.commit()
    assert relay(utcnow() + LATER) == 0  # RQ has no such job: no process works on it
    gone = _record(stuck.id)
    assert (gone.status, gone.error_type) == ("failed", "WorkerLost")
