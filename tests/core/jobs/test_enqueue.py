"""Enqueue after commit, in-process (no REDIS_URL): what runs, when, and what is kept."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.jobs import enqueue
from core.jobs.models import JobRecord, MailMessage
from core.jobs.runner import execute
from tests.core.jobs import jobtest_plugin
from tests.core.jobs.jobtest_plugin import CANARY
from tests.fixtures.plugins.example import jobs as example_jobs


def job_count() -> int:
    return db.session.scalar(select(func.count(JobRecord.id)))


def test_a_job_enqueued_in_a_transaction_that_rolls_back_leaves_no_record_and_never_runs(app):
    enqueue("example.count_notes", agency_id=1)
    db.session.rollback()
    db.session.commit()  # a later commit of the same session must not dispatch it either
    assert job_count() == 0
    assert example_jobs.RUNS == []


def test_an_inline_job_runs_only_after_its_transaction_commits(app):
    record = enqueue("example.count_notes", agency_id=7)
    db.session.flush()
    assert example_jobs.RUNS == []
    db.session.commit()
    assert example_jobs.RUNS == [{"agency_id": 7, "count": 0}]
    job = db.session.get(JobRecord, record.id)
    assert job.status == "finished"
    assert job.progress == 100
    assert job.result == '{"count": 0}'
    assert job.started_at and job.finished_at and job.dispatched_at
    assert job.attempts == 1


def test_a_job_enqueued_in_a_savepoint_that_rolls_back_does_not_run(app):
    with db.session.begin_nested() as savepoint:
        enqueue("jobtest.echo", code="inner")
        savepoint.rollback()
    outer = enqueue("jobtest.echo", code="outer")
    db.session.commit()
    assert jobtest_plugin.RUNS == ["outer"]
    assert job_count() == 1
    assert db.session.get(JobRecord, outer.id).status == "finished"


def test_a_released_savepoint_does_not_dispatch_before_the_outer_transaction_commits(app):
    with db.session.begin_nested():
        enqueue("jobtest.echo", code="saved")
    assert jobtest_plugin.RUNS == []
    db.session.rollback()
    db.session.commit()
    assert jobtest_plugin.RUNS == []
    if db.engine.dialect.name != "sqlite":  # pysqlite's legacy mode commits on RELEASE
        assert job_count() == 0


def test_an_unknown_job_name_is_refused_with_a_clear_message(app):
    with pytest.raises(KeyError, match="no enabled plugin declares"):
        enqueue("example.no_such_job")


@pytest.mark.parametrize("value", [
    {"name": "x"}, 1.5, b"bytes", "x" * 65, [1, {"a": 2}], object(),
])
def test_job_arguments_must_be_opaque_ids_or_short_codes(app, value):
    with pytest.raises(TypeError, match="'agency_id' must be an id or short code"):
        enqueue("example.count_notes", agency_id=value)
    assert job_count() == 0


def test_ids_codes_and_lists_of_them_are_accepted(app):
    record = enqueue("jobtest.echo", code="AB-12", created_by=None, partnership_id=None)
    assert record.kwargs == '{"code": "AB-12"}'
    assert enqueue("example.count_notes", agency_id=[1, 2, None, True]).kwargs


def test_the_example_plugins_job_and_schedule_vanish_when_it_is_disabled(make_app):
    app = make_app(ENABLED_PLUGINS=[])
    with app.app_context():
        with pytest.raises(KeyError, match=r"example\.count_notes"):
            enqueue("example.count_notes", agency_id=1)
        assert "example.count_notes" not in app.extensions["job_types"]
        assert not [s for _, s in app.extensions["schedules"] if s.name == "example.nightly"]
        assert {s.name for _, s in app.extensions["schedules"]} >= {"core.relay"}


def test_a_failing_job_keeps_the_error_type_and_never_the_message(app):
    record = enqueue("jobtest.fail", code="f1")
    db.session.commit()
    job = db.session.get(JobRecord, record.id)
    assert (job.status, job.error_type) == ("failed", "ValueError")
    assert job.finished_at is not None
    row = db.session.execute(select(JobRecord.__table__).where(JobRecord.id == record.id)).one()
    assert CANARY not in repr(tuple(row))


def test_a_failing_job_keeps_none_of_its_writes(app):
    enqueue("jobtest.mail_then_fail", code="m1")
    db.session.commit()
    assert jobtest_plugin.RUNS == ["m1"]
    assert db.session.scalar(select(func.count(MailMessage.id))) == 0
    assert app.extensions.get("mail_outbox", []) == []


def test_a_record_already_finished_is_not_run_again(app):
    record = enqueue("jobtest.echo", code="once")
    db.session.commit()
    assert execute(record.id) == "skipped"
    assert jobtest_plugin.RUNS == ["once"]
    assert db.session.get(JobRecord, record.id).attempts == 1


def test_a_failed_record_is_not_run_again_either(app):
    record = enqueue("jobtest.fail", code="twice")
    db.session.commit()
    assert execute(record.id) == "skipped"
    assert jobtest_plugin.RUNS == ["twice"]


def test_a_job_of_a_plugin_no_longer_enabled_fails_as_unknown(app, make_app):
    from core.jobs import outbox

    record = enqueue("jobtest.echo", code="gone")
    db.session.info.pop(outbox.PENDING)  # committed but not dispatched, as if Redis was down
    db.session.commit()
    other = make_app(ENABLED_PLUGINS=["example"])
    with other.app_context():
        assert execute(record.id) == "failed"
    db.session.expire_all()
    assert db.session.get(JobRecord, record.id).error_type == "UnknownJobType"
    assert jobtest_plugin.RUNS == []


def test_a_job_runs_with_nobody_signed_in_and_can_build_result_links(app, world, login):
    seen = []
    jobtest_plugin.PROBES.append(lambda: seen.append(_who_and_where()))
    client = login(world.tm_a)
    with client:
        client.get("/")
        record = enqueue("jobtest.echo", code="who")
        db.session.commit()
    assert seen == [(False, "/jobs/")]
    assert db.session.get(JobRecord, record.id).created_by == world.tm_a.id


def _who_and_where() -> tuple[bool, str]:
    from flask import url_for
    from flask_login import current_user

    return current_user.is_authenticated, url_for("jobs.index")


def test_a_job_that_has_written_can_still_report_progress_without_waiting_for_a_lock(app):
    import time

    started = time.monotonic()
    record = enqueue("jobtest.mail_and_progress", code="p1")
    db.session.commit()
    assert time.monotonic() - started < 3
    assert db.session.get(JobRecord, record.id).status == "finished"
    assert [m["subject"] for m in app.extensions["mail_outbox"]] == ["Progress"]
