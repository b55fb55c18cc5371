"""A plugin for the fault tests: a job that tells someone, and can be held at a gate.

Loaded by the test app and by `flask worker` subprocesses
(EXTRA_PLUGINS=faults=tests.faults.faults_plugin). Its job writes a notification (so an email
job too) in its own transaction and then, under Redis, notes its process id and waits for a
token on a Redis list: the test kills the worker while the job is held there.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import redis
from flask import current_app

from core.toolkit import JobType, PluginInfo, hookimpl

PROBES: list[Callable[[], None]] = []  # called before the job writes, in-process runs only
GATE_SECONDS = 60


def pid_key(code: str) -> str:
    return f"faults:pid:{code}"


def gate_key(code: str) -> str:
    return f"faults:gate:{code}"


def tell_then_wait(user_id: int, code: str) -> dict:
    """Notify one person (inbox row and email), then wait at the gate before finishing."""
    from core.extensions import db
    from core.identity.models import User
    from core.notifications.service import notify

    for probe in PROBES:
        probe()
    notify([db.session.get(User, user_id)], "faults.told", f"Fault drill {code}",
           f"Fault drill {code}: you should see this once.")
    db.session.flush()  # the writes are made (and uncommitted) before the job is held
    url = current_app.config.get("REDIS_URL")
    if url:
        with redis.Redis.from_url(url) as conn:
            conn.set(pid_key(code), os.getpid(), ex=600)
            if conn.blpop([gate_key(code)], timeout=GATE_SECONDS) is None:
                raise TimeoutError("the gate was never opened")
    return {"code": code}


@hookimpl
def qa_describe() -> PluginInfo:
    return PluginInfo(key="faults", name="Fault tests", version="0.0.1",
                      description="Jobs for the fault tests.")


@hookimpl
def qa_register_job_types() -> list[JobType]:
    return [JobType("faults.tell_then_wait", tell_then_wait, "Notify, then wait at a gate",
                    timeout=120)]
