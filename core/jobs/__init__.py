"""Background jobs: enqueue after commit, run in-process or on RQ, poll progress, schedules.

- `enqueue(name, **ids)` adds a job record to the current transaction; the job is dispatched
  only when that transaction commits (see `outbox`). Without REDIS_URL it then runs at once in
  the same process; with REDIS_URL it goes to RQ and `flask worker` runs it.
- A job function gets its kwargs (opaque ids) and runs in an app context with its own
  session. Its writes are committed together with its "finished" mark when it returns; it may
  call `job_progress(percent, result_url)` on the way, for its page at /jobs/<id>.
- Plugins declare job types and schedules through hooks; `init_app` checks every schedule
  names a known job type and a valid cron expression.
"""

from __future__ import annotations

import threading

from croniter import croniter
from flask import Flask

from core.jobs.models import JobRecord
from core.jobs.outbox import check_kwargs, enqueue
from core.jobs.runner import job_progress
from core.plugins import PluginError, Plugins

__all__ = ["JobRecord", "enqueue", "init_app", "job_progress"]


def init_app(app: Flask, plugins: Plugins) -> None:
    from core.jobs import commands, outbox

    job_types = {
        jt.name: jt for _, jt in plugins.registered("qa_register_job_types", lambda j: j.name)
    }
    schedules = plugins.registered("qa_register_scheduled_jobs", lambda s: s.name)
    for key, schedule in schedules:
        _check_schedule(key, schedule, job_types)
    app.extensions["job_types"] = job_types
    app.extensions["schedules"] = schedules
    outbox.listen()
    commands.init_app(app)
    if app.config.get("RUN_SCHEDULER_IN_PROCESS") and not app.testing:
        _start_scheduler_with_first_request(app)


def _check_schedule(key: str, schedule, job_types: dict) -> None:
    if schedule.job not in job_types:
        raise PluginError(
            f"Plugin '{key}': schedule '{schedule.name}' names unknown job type '{schedule.job}'."
        )
    if not croniter.is_valid(schedule.cron):
        raise PluginError(
            f"Plugin '{key}': schedule '{schedule.name}' has an invalid cron "
            f"expression '{schedule.cron}'."
        )
    try:
        check_kwargs(schedule.kwargs)
    except TypeError as exc:
        raise PluginError(f"Plugin '{key}': schedule '{schedule.name}': {exc}") from None


def _start_scheduler_with_first_request(app: Flask) -> None:
    """Start the in-process scheduler thread when the app first serves (not for CLI runs)."""
    from core.jobs import scheduler

    lock, started = threading.Lock(), []

    @app.before_request
    def _start_scheduler() -> None:
        if started:
            return
        with lock:
            if not started:
                started.append(scheduler.start_in_process(app))
