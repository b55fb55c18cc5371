"""Fault test fixtures: an app whose jobs go to a real Redis (or to a closed port, "Redis
down"), real `flask worker` subprocesses, and the multi-agency people and audit.

Redis tests use TEST_REDIS_URL (default db 15 on 127.0.0.1), a queue name of their own, and
delete only the keys naming that queue, their workers or their jobs. Without Redis (or
PostgreSQL, for the outage test) they skip, or fail under CI=true.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from core.extensions import db
from core.jobs.models import JobRecord
from tests.conftest import EXAMPLE
from tests.core.jobs.conftest import _delete_keys, rq_env  # noqa: F401 (a fixture)
from tests.faults import faults_plugin
from tests.plugins.multi_agency.conftest import audit, ma, tokens  # noqa: F401 (fixtures)

ROOT = Path(__file__).resolve().parents[2]
PLUGINS = {**EXAMPLE, "faults": "tests.faults.faults_plugin"}
NOWHERE = "redis://127.0.0.1:1/0"  # nothing listens on port 1: Redis is "down"


@pytest.fixture(autouse=True)
def _no_probes():
    faults_plugin.PROBES.clear()
    yield
    faults_plugin.PROBES.clear()


@pytest.fixture
def app(request, make_app):
    """Every installed plugin and the faults plugin; jobs on Redis for tests marked `redis`."""
    rq = request.getfixturevalue("rq_env") if request.node.get_closest_marker("redis") else None
    app = make_app(EXTRA_PLUGINS=PLUGINS, **(rq.config if rq else {}))
    with app.app_context():
        yield app
        if rq:
            db.session.rollback()
            _delete_keys(rq.conn, [rq.queue, "faults:",
                                   *db.session.scalars(select(JobRecord.id))])
        db.session.remove()


def set_redis(app, url: str) -> None:
    """Point the app at `url` from the next enqueue on (dropping its cached client)."""
    app.config["REDIS_URL"] = url
    client = app.extensions.pop("redis", None)
    if client is not None:
        client.close()


def worker_env(app, rq) -> dict[str, str]:
    env = {
        **os.environ,
        "FLASK_APP": "wsgi",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": app.config["SECRET_KEY"],
        "MASTER_KEY": app.config["MASTER_KEY"],
        "BLIND_INDEX_KEY": app.config["BLIND_INDEX_KEY"],
        "INSTANCE_PATH": app.config["INSTANCE_PATH"],
        "REDIS_URL": rq.url,
        "RQ_QUEUE": rq.queue,
        "EXTRA_PLUGINS": ",".join(f"{k}={v}" for k, v in PLUGINS.items()),
    }
    env.pop("ENABLED_PLUGINS", None)
    env.pop("MAIL_SERVER", None)
    return env


def worker_args(name: str, burst: bool = True) -> list[str]:
    return [sys.executable, "-m", "flask", "worker", "--name", name,
            *(["--burst"] if burst else [])]


def run_worker(app, rq, name: str = "") -> subprocess.CompletedProcess:
    """`flask worker --burst` until the queue is empty."""
    done = subprocess.run(worker_args(name or rq.worker), cwd=ROOT,
                          env=worker_env(app, rq), capture_output=True, text=True,
                          timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def start_worker(app, rq, name: str) -> subprocess.Popen:
    """A long-running `flask worker` in a session of its own (so it can be killed whole)."""
    return subprocess.Popen(worker_args(name, burst=False), cwd=ROOT,
                            env=worker_env(app, rq), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
