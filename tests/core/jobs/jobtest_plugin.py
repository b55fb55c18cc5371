"""A plugin for the job tests: jobs that succeed, fail, report progress, flake and write.

It is importable by a worker subprocess (EXTRA_PLUGINS=jobtest=tests.core.jobs.jobtest_plugin),
so a job's runs are counted in Redis when REDIS_URL is set, and in RUNS otherwise.
"""

from __future__ import annotations

from collections.abc import Callable

import redis
from flask import current_app

from core.toolkit import JobType, PluginInfo, ScheduledJob, hookimpl, job_progress

CANARY = "ZZCANARY-NAME"
RUNS: list[str] = []
PROBES: list[Callable[[], None]] = []  # called mid-job, in-process runs only


def _count(code: str) -> int:
    """Note one run of `code`; returns how many runs it has had."""
    url = current_app.config.get("REDIS_URL")
    if url:
        with redis.Redis.from_url(url) as conn:
            return int(conn.incr(f"jobtest:runs:{code}"))
    RUNS.append(code)
    return RUNS.count(code)


def echo(code: str) -> dict:
    _count(code)
    job_progress(40, result_url="/jobs/")
    for probe in PROBES:
        probe()
    return {"code": code}


def fail(code: str) -> None:
    _count(code)
    raise ValueError(f"{CANARY} could not be processed ({code})")


def flaky(code: str) -> dict:
    """Fails with a connection error on its first two runs, then succeeds."""
    if _count(code) < 3:
        raise ConnectionError(f"{CANARY} server went away")
    return {"code": code}


def slow(code: str) -> None:
    import time

    _count(code)
    time.sleep(5)


def mail_then_fail(code: str) -> None:
    """Writes (an email) and then fails: neither the row nor the email may survive."""
    from core.mail import send_mail

    _count(code)
    send_mail("someone@example.test", "Subject", f"{CANARY} body")
    raise ValueError("stop")


def mail_and_progress(code: str) -> dict:
    """Writes first, then reports progress: on SQLite the job already holds the write lock."""
    from core.mail import send_mail

    _count(code)
    send_mail("someone@example.test", "Progress", "body")
    job_progress(70)
    return {"code": code}


@hookimpl
def qa_describe() -> PluginInfo:
    return PluginInfo(key="jobtest", name="Job tests", version="0.0.1",
                      description="Jobs for the job tests.")


@hookimpl
def qa_register_job_types() -> list[JobType]:
    return [
        JobType("jobtest.echo", echo, "Echo a code"),
        JobType("jobtest.fail", fail, "Always fails"),
        JobType("jobtest.flaky", flaky, "Fails twice, then works", timeout=30),
        JobType("jobtest.slow", slow, "Outlives its timeout", timeout=1),
        JobType("jobtest.mail_then_fail", mail_then_fail, "Writes, then fails"),
        JobType("jobtest.mail_and_progress", mail_and_progress, "Writes, then reports"),
    ]


@hookimpl
def qa_register_scheduled_jobs() -> list[ScheduledJob]:
    return [ScheduledJob("jobtest.hourly", "jobtest.echo", "0 * * * *", {"code": "hourly"})]
