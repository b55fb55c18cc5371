"""Periodic jobs: a small cron table kept in the database.

Why not RQ's own cron (`rq cron`) or rq-scheduler: both keep their state in Redis and need
exactly one scheduler process (nothing stops a second one enqueuing the same run twice), and
neither works without Redis. Here each due slot is claimed by inserting a `ScheduleRun` row
under UNIQUE(schedule, slot), in the same transaction that enqueues the job. So:
- every run is recorded in the database, next to the job it started;
- any number of schedulers (or a re-run after a crash) enqueue a slot at most once: the loser
  of the race gets an IntegrityError, rolls back and moves on;
- it works the same with Redis (the job goes to RQ after commit) and without (it runs inline);
- croniter is already installed as a dependency of RQ.

Cron expressions are read on the Europe/London wall clock. Only schedules of enabled plugins
exist (they come from the `qa_register_scheduled_jobs` hook), so a disabled plugin's schedules
simply stop.

Catch-up rule: each tick looks only at the most recent due slot. A schedule that has run
before fires that slot if it has not run yet (one catch-up after downtime, never a backlog).
A schedule never run before fires it only if it fell within the last hour, so a new monthly
schedule does not fire the moment it is deployed for a slot weeks ago.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime, timedelta

from croniter import croniter
from flask import Flask, current_app
from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from core.contributions import ScheduledJob
from core.extensions import db
from core.jobs.models import ScheduleRun
from core.jobs.outbox import enqueue
from core.timeutil import LONDON, utcnow

logger = logging.getLogger("partnership_audit.jobs")
GRACE = timedelta(hours=1)
INTERVAL = 30  # seconds between ticks; a minute-resolution cron needs less than 60


def latest_slot(cron: str, now: datetime) -> datetime:
    """The most recent time at or before `now` that `cron` names (London clock), in UTC."""
    local = now.astimezone(LONDON).replace(second=0, microsecond=0) + timedelta(seconds=1)
    return croniter(cron, local).get_prev(datetime).astimezone(UTC)


def tick(now: datetime | None = None) -> list[str]:
    """Enqueue every schedule's due slot that no one has enqueued yet; returns the job ids."""
    now = now or utcnow()
    started = []
    for _key, schedule in current_app.extensions["schedules"]:
        job_id = _fire_if_due(schedule, now)
        if job_id:
            started.append(job_id)
    return started


def _fire_if_due(schedule: ScheduledJob, now: datetime) -> str | None:
    slot = latest_slot(schedule.cron, now)
    if _already_ran(schedule.name, slot) or not _should_fire(schedule.name, slot, now):
        db.session.rollback()
        return None
    record = enqueue(schedule.job, **schedule.kwargs)
    db.session.add(ScheduleRun(schedule=schedule.name, slot=slot, job_id=record.id,
                               created_at=utcnow()))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # another scheduler claimed this slot first
        return None
    logger.info("schedule %s: slot %s enqueued as job %s", schedule.name, slot.isoformat(),
                record.id)
    return record.id


def _already_ran(name: str, slot: datetime) -> bool:
    return bool(db.session.scalar(
        select(exists().where(ScheduleRun.schedule == name, ScheduleRun.slot == slot))))


def _should_fire(name: str, slot: datetime, now: datetime) -> bool:
    if now - slot <= GRACE:
        return True
    return bool(db.session.scalar(select(exists().where(ScheduleRun.schedule == name))))


def run_forever(interval: int = INTERVAL) -> None:
    """`flask scheduler`: tick, sleep, repeat. A failed tick is logged and the loop goes on."""
    while True:
        safe_tick()
        time.sleep(interval)


def safe_tick() -> None:
    try:
        tick()
    except Exception as exc:  # the next tick tries again
        db.session.rollback()
        logger.warning("scheduler tick failed with %s", type(exc).__name__)


def start_in_process(app: Flask, interval: float = INTERVAL,
                     stop: threading.Event | None = None) -> threading.Thread:
    """RUN_SCHEDULER_IN_PROCESS: tick in a daemon thread of the web process (embedded default,
    `make run`) until `stop` is set. Production runs `flask scheduler` as its own process."""
    stop = stop or threading.Event()

    def loop() -> None:
        while True:
            with app.app_context():
                safe_tick()
            if stop.wait(interval):
                return

    thread = threading.Thread(target=loop, name="scheduler", daemon=True)
    thread.start()
    return thread
