"""The outbox relay: committed jobs that were never dispatched are sent on, once."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select

from core.extensions import db
from core.jobs import enqueue, outbox
from core.jobs.models import JobRecord
from core.jobs.relay import relay
from core.timeutil import utcnow
from tests.core.jobs import jobtest_plugin
from tests.core.jobs.conftest import PLUGINS

LATER = timedelta(minutes=2)
NOWHERE = "redis://127.0.0.1:1/0"  # nothing listens on port 1: Redis is "down"


def committed_but_not_dispatched(monkeypatch, name: str = "jobtest.echo", **kwargs):
    """Commit a job while dispatch fails, as when the process dies right after its commit."""
    with monkeypatch.context() as patch:
        patch.setattr(outbox, "dispatch", lambda *args: None)
        record = enqueue(name, **kwargs)
        db.session.commit()
    return record


def test_a_job_whose_dispatch_failed_stays_queued_and_the_relay_runs_it(app, monkeypatch):
    record = committed_but_not_dispatched(monkeypatch, code="r1")
    job = db.session.get(JobRecord, record.id)
    assert (job.status, job.dispatched_at) == ("queued", None)
    assert jobtest_plugin.RUNS == []
    assert relay(utcnow() + LATER) == 1
    db.session.expire_all()
    assert db.session.get(JobRecord, record.id).status == "finished"
    assert relay(utcnow() + LATER) == 0
    assert jobtest_plugin.RUNS == ["r1"]


def test_the_relay_leaves_jobs_younger_than_a_minute_alone(app, monkeypatch):
    committed_but_not_dispatched(monkeypatch, code="young")
    assert relay() == 0
    assert jobtest_plugin.RUNS == []


def test_the_relay_command_reports_what_it_sent(app, monkeypatch):
    record = committed_but_not_dispatched(monkeypatch, code="cli")
    db.session.execute(JobRecord.__table__.update().values(created_at=utcnow() - LATER))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["jobs", "relay"])
    assert result.exit_code == 0 and "Relayed 1 job(s)." in result.output
    listing = app.test_cli_runner().invoke(args=["jobs", "list", "--status", "finished"])
    assert record.id in listing.output and "jobtest.echo" in listing.output


def test_old_relay_runs_left_behind_are_closed_not_run(app, monkeypatch):
    stale = committed_but_not_dispatched(monkeypatch, name="core.relay")
    relay(utcnow() + LATER)
    job = db.session.get(JobRecord, stale.id)
    assert (job.status, job.result) == ("finished", '{"superseded": true}')
    assert job.started_at is None


def test_with_redis_down_the_commit_succeeds_and_the_job_waits_in_the_outbox(make_app, caplog):
    app = make_app(REDIS_URL=NOWHERE, EXTRA_PLUGINS=PLUGINS)
    with app.app_context(), caplog.at_level(logging.WARNING, "partnership_audit.jobs"):
        record = enqueue("jobtest.echo", code="down")
        db.session.commit()
        job = db.session.get(JobRecord, record.id)
        assert (job.status, job.dispatched_at) == ("queued", None)
        db.session.remove()
    assert "stays in the outbox" in caplog.text
    assert jobtest_plugin.RUNS == []


def test_with_redis_down_the_relay_command_fails_clearly(make_app, monkeypatch):
    app = make_app(REDIS_URL=NOWHERE, EXTRA_PLUGINS=PLUGINS)
    with app.app_context():
        committed_but_not_dispatched(monkeypatch, code="later")
        db.session.execute(JobRecord.__table__.update().values(created_at=utcnow() - LATER))
        db.session.commit()
        result = app.test_cli_runner().invoke(args=["jobs", "relay"])
        assert result.exit_code == 1 and "Redis unavailable" in result.output
        assert db.session.scalar(select(JobRecord.dispatched_at)) is None
        db.session.remove()


def test_a_job_left_running_by_a_dead_process_is_marked_failed(app):
    started = utcnow() - timedelta(hours=2)
    db.session.add_all([
        JobRecord(id="dead", name="jobtest.echo", status="running", started_at=started),
        JobRecord(id="alive", name="jobtest.echo", status="running", started_at=utcnow()),
    ])
    db.session.commit()
    relay()
    db.session.expire_all()
    dead, alive = db.session.get(JobRecord, "dead"), db.session.get(JobRecord, "alive")
    assert (dead.status, dead.error_type) == ("failed", "AbandonedJob")
    assert alive.status == "running"
