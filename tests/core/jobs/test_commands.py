"""The job commands: worker, scheduler, jobs relay and jobs list."""

from __future__ import annotations

from core.extensions import db
from core.jobs import enqueue


def test_the_worker_refuses_to_start_without_redis(app):
    result = app.test_cli_runner().invoke(args=["worker", "--burst"])
    assert result.exit_code == 1
    assert "REDIS_URL is not set" in result.output


def test_jobs_list_shows_recent_jobs_with_their_state_and_error_type(app):
    ok = enqueue("jobtest.echo", code="l1")
    bad = enqueue("jobtest.fail", code="l2")
    db.session.commit()
    output = app.test_cli_runner().invoke(args=["jobs", "list"]).output
    assert f"{ok.id}  jobtest.echo  finished  100%" in output
    assert f"{bad.id}  jobtest.fail  failed" in output and "ValueError" in output
    failed_only = app.test_cli_runner().invoke(args=["jobs", "list", "--status", "failed"])
    assert ok.id not in failed_only.output and bad.id in failed_only.output
