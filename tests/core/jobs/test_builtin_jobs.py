"""Core's own jobs: session purge and job-record purge."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.extensions import db
from core.identity.models import UserSession
from core.jobs import enqueue
from core.jobs.builtin_jobs import purge_jobs, purge_sessions
from core.jobs.models import JobRecord, MailMessage, ScheduleRun
from core.timeutil import utcnow


def _session(sid: str, user, *, seen_ago: timedelta, revoked_ago: timedelta | None = None):
    now = utcnow()
    db.session.add(UserSession(
        id=sid, user_id=user.id, created_at=now - seen_ago, last_seen_at=now - seen_ago,
        revoked_at=now - revoked_ago if revoked_ago is not None else None))


def test_the_session_purge_deletes_only_sessions_that_ended_long_ago(app, world):
    _session("live", world.tm_a, seen_ago=timedelta(minutes=5))
    _session("idle-long-ago", world.tm_a, seen_ago=timedelta(hours=13))
    _session("revoked-long-ago", world.tm_a, seen_ago=timedelta(hours=14),
             revoked_ago=timedelta(hours=13))
    _session("revoked-just-now", world.tm_a, seen_ago=timedelta(minutes=2),
             revoked_ago=timedelta(minutes=1))
    db.session.commit()
    assert purge_sessions() == {"deleted": 2}
    db.session.commit()
    assert set(db.session.scalars(select(UserSession.id))) == {"live", "revoked-just-now"}


def test_the_session_purge_runs_as_a_job(app, world):
    _session("old", world.tm_a, seen_ago=timedelta(days=2))
    record = enqueue("core.purge_sessions")
    db.session.commit()
    job = db.session.get(JobRecord, record.id)
    assert (job.status, job.result) == ("finished", '{"deleted": 1}')


def test_the_job_purge_keeps_recent_records_and_each_schedules_latest_run(app):
    old, now = utcnow() - timedelta(days=40), utcnow()
    db.session.add_all([
        JobRecord(id="old", name="core.relay", status="finished", created_at=old,
                  finished_at=old),
        JobRecord(id="oldqueued", name="core.relay", status="queued", created_at=old),
        JobRecord(id="new", name="core.relay", status="finished", created_at=now,
                  finished_at=now),
        ScheduleRun(schedule="monthly", slot=old, created_at=old),
        ScheduleRun(schedule="daily", slot=old - timedelta(days=1), created_at=old),
        ScheduleRun(schedule="daily", slot=old, created_at=old),
        ScheduleRun(schedule="daily", slot=now, created_at=now),
        MailMessage(recipient="a@example.test", status="captured", created_at=old),
    ])
    db.session.commit()
    assert purge_jobs() == {"jobs": 1, "schedule_runs": 2, "mail": 1}
    db.session.commit()
    assert set(db.session.scalars(select(JobRecord.id))) == {"oldqueued", "new"}
    kept = {(r.schedule, r.slot) for r in db.session.scalars(select(ScheduleRun))}
    assert kept == {("monthly", old), ("daily", now)}
