"""The database cron table: each due slot is enqueued once, on the London clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from core.contributions import JobType, ScheduledJob
from core.extensions import db
from core.jobs import init_app, scheduler
from core.jobs.models import JobRecord, ScheduleRun
from core.plugins import PluginError
from tests.core.jobs import jobtest_plugin
from tests.fixtures.plugins.example import jobs as example_jobs

# 02:00 London on a summer night is 01:00 UTC; the example plugin's nightly job is "0 2 * * *".
SUMMER_SLOT = datetime(2026, 7, 1, 1, 0, tzinfo=UTC)


def runs(name: str) -> list[ScheduleRun]:
    return list(db.session.scalars(select(ScheduleRun).where(ScheduleRun.schedule == name)))


def jobs_named(name: str) -> int:
    return db.session.scalar(select(func.count(JobRecord.id)).where(JobRecord.name == name))


def only(app, *names: str) -> None:
    """Keep just the named schedules for this app (core's relay runs every minute)."""
    app.extensions["schedules"] = [
        (k, s) for k, s in app.extensions["schedules"] if s.name in names]


def test_cron_expressions_are_read_on_the_london_clock():
    assert scheduler.latest_slot("0 2 * * *", SUMMER_SLOT + timedelta(minutes=5)) == SUMMER_SLOT
    winter = datetime(2026, 1, 10, 2, 30, tzinfo=UTC)
    assert scheduler.latest_slot("0 2 * * *", winter) == datetime(2026, 1, 10, 2, 0, tzinfo=UTC)
    assert scheduler.latest_slot("0 2 * * *", SUMMER_SLOT) == SUMMER_SLOT  # exactly on time
    just_before = SUMMER_SLOT - timedelta(seconds=1)
    assert scheduler.latest_slot("0 2 * * *", just_before) == SUMMER_SLOT - timedelta(days=1)


def test_a_due_slot_is_enqueued_once_and_a_second_tick_enqueues_nothing(app):
    only(app, "example.nightly")
    started = scheduler.tick(SUMMER_SLOT + timedelta(minutes=1))
    assert len(started) == 1
    assert example_jobs.RUNS == [{"agency_id": 0, "count": 0}]
    assert scheduler.tick(SUMMER_SLOT + timedelta(minutes=2)) == []
    assert [(r.slot, r.job_id) for r in runs("example.nightly")] == [(SUMMER_SLOT, started[0])]
    assert jobs_named("example.count_notes") == 1
    assert len(example_jobs.RUNS) == 1


def test_a_second_scheduler_racing_for_the_same_slot_enqueues_nothing(app, monkeypatch):
    only(app, "example.nightly")
    assert scheduler.tick(SUMMER_SLOT) != []
    # The other scheduler checked before the first one committed, so it tries the insert too.
    monkeypatch.setattr(scheduler, "_already_ran", lambda name, slot: False)
    assert scheduler.tick(SUMMER_SLOT + timedelta(seconds=20)) == []
    assert len(runs("example.nightly")) == 1
    assert jobs_named("example.count_notes") == 1
    assert len(example_jobs.RUNS) == 1


def test_the_next_slot_is_enqueued_the_next_night(app):
    only(app, "example.nightly")
    scheduler.tick(SUMMER_SLOT)
    scheduler.tick(SUMMER_SLOT + timedelta(days=1, minutes=3))
    assert [r.slot for r in runs("example.nightly")] == [
        SUMMER_SLOT, SUMMER_SLOT + timedelta(days=1)]


def test_a_new_schedule_does_not_fire_for_a_slot_long_past(app):
    only(app, "example.nightly")
    assert scheduler.tick(SUMMER_SLOT + timedelta(hours=3)) == []
    assert runs("example.nightly") == []


def test_a_known_schedule_catches_up_its_latest_missed_slot_once(app):
    only(app, "example.nightly")
    scheduler.tick(SUMMER_SLOT)
    three_days_later = SUMMER_SLOT + timedelta(days=3, hours=5)  # the scheduler was down
    assert len(scheduler.tick(three_days_later)) == 1
    assert scheduler.tick(three_days_later + timedelta(minutes=1)) == []
    assert [r.slot for r in runs("example.nightly")] == [
        SUMMER_SLOT, SUMMER_SLOT + timedelta(days=3)]


def test_a_scheduled_job_carries_its_declared_arguments(app):
    only(app, "jobtest.hourly")
    scheduler.tick(datetime(2026, 7, 1, 9, 0, 30, tzinfo=UTC))
    assert jobtest_plugin.RUNS == ["hourly"]


def test_every_enabled_schedule_fires_in_one_tick(app):
    now = datetime(2026, 7, 1, 2, 15, tzinfo=UTC)  # 03:15 London: relay, purges, hourly
    started = scheduler.tick(now)
    names = {r.schedule for r in db.session.scalars(select(ScheduleRun))}
    assert names >= {"core.relay", "core.purge_sessions", "core.purge_jobs", "jobtest.hourly"}
    assert "example.nightly" not in names  # 02:00 London was over an hour ago
    assert len(started) == len(names)
    statuses = db.session.scalars(select(JobRecord.status)).all()
    assert statuses == ["finished"] * len(names)


def test_a_disabled_plugins_schedule_does_not_exist(make_app):
    app = make_app(ENABLED_PLUGINS=[])
    with app.app_context():
        assert scheduler.tick(SUMMER_SLOT) != []
        assert runs("example.nightly") == []
        assert example_jobs.RUNS == []


def test_the_scheduler_command_ticks_once(app):
    only(app, "jobtest.hourly")
    result = app.test_cli_runner().invoke(args=["scheduler", "--once"])
    assert result.exit_code == 0, result.output
    assert "Enqueued" in result.output
    assert len(runs("jobtest.hourly")) <= 1  # 1 if this minute is within the hour's grace


class FakePlugins:
    def __init__(self, job_types, schedules):
        self.items = {"qa_register_job_types": job_types,
                      "qa_register_scheduled_jobs": schedules}

    def registered(self, hook, name_of):
        return self.items[hook]


def _job(**_):
    return None


@pytest.mark.parametrize(("schedule", "message"), [
    (ScheduledJob("shop.tidy", "shop.nothing", "0 3 * * *"), "unknown job type 'shop.nothing'"),
    (ScheduledJob("shop.tidy", "shop.tidy", "every night"), "invalid cron expression"),
    (ScheduledJob("shop.tidy", "shop.tidy", "0 3 * * *", {"who": {"name": "x"}}),
     "must be an id or short code"),
])
def test_a_bad_schedule_stops_start_up_naming_the_plugin(schedule, message):
    plugins = FakePlugins([("shop", JobType("shop.tidy", _job))], [("shop", schedule)])
    fake_app = SimpleNamespace(extensions={}, config={}, testing=True, cli=SimpleNamespace(
        add_command=lambda command: None))
    with pytest.raises(PluginError, match=f"Plugin 'shop'.*{message}"):
        init_app(fake_app, plugins)


def test_the_in_process_scheduler_ticks_in_a_thread_until_stopped(app):
    import threading

    stop = threading.Event()
    stop.set()  # one tick, then the thread ends
    scheduler.start_in_process(app, interval=0, stop=stop).join(timeout=10)
    assert {r.schedule for r in db.session.scalars(select(ScheduleRun))} >= {"core.relay"}


def test_the_web_process_starts_the_scheduler_thread_on_its_first_request(make_app, monkeypatch):
    started = []
    monkeypatch.setattr(scheduler, "start_in_process", lambda app: started.append(app))
    app = make_app(RUN_SCHEDULER_IN_PROCESS=True, TESTING=False)
    client = app.test_client()
    client.get("/livez")
    client.get("/livez")
    assert started == [app]
    assert make_app(RUN_SCHEDULER_IN_PROCESS=False, TESTING=False).test_client().get("/livez")
    assert len(started) == 1
