"""Job test fixtures: apps with the jobtest plugin, and a real Redis with a real worker.

Redis tests (`@pytest.mark.redis`) use TEST_REDIS_URL (default db 15 on 127.0.0.1) and a queue
name of their own; at the end they delete only the keys that name their queue, their worker or
their jobs. Without Redis they skip, or fail under CI=true.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import redis
from sqlalchemy import select

from core.extensions import db
from core.jobs.models import JobRecord
from tests.conftest import EXAMPLE
from tests.core.jobs import jobtest_plugin
from tests.fixtures.plugins.example import jobs as example_jobs
from tests.support.databases import need_service

ROOT = Path(__file__).resolve().parents[3]
JOBTEST = {"jobtest": "tests.core.jobs.jobtest_plugin"}
PLUGINS = {**EXAMPLE, **JOBTEST}


@pytest.fixture(autouse=True)
def _fresh_runs():
    for runs in (jobtest_plugin.RUNS, jobtest_plugin.PROBES, example_jobs.RUNS):
        runs.clear()
    yield
    jobtest_plugin.PROBES.clear()


@pytest.fixture
def app(request, make_app):
    """The usual app with the jobtest plugin too; with Redis for tests marked `redis`."""
    marker = request.node.get_closest_marker("plugins")
    overrides = {"ENABLED_PLUGINS": list(marker.args)} if marker else {}
    rq = request.getfixturevalue("rq_env") if request.node.get_closest_marker("redis") else None
    app = make_app(EXTRA_PLUGINS=PLUGINS, **(rq.config if rq else {}), **overrides)
    with app.app_context():
        yield app
        if rq:
            db.session.rollback()
            _delete_keys(rq.conn, [rq.queue, *db.session.scalars(select(JobRecord.id))])
        db.session.remove()


@pytest.fixture
def rq_env():
    """A reachable Redis, a queue name of this test's own, and cleanup of its keys."""
    url = os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379/15"
    conn = redis.Redis.from_url(url, socket_connect_timeout=1)
    try:
        conn.ping()
    except redis.RedisError as exc:
        conn.close()
        need_service("Redis", f"{url}: {exc}")
    queue = f"pa_test_{secrets.token_hex(4)}"
    env = SimpleNamespace(url=url, conn=conn, queue=queue, worker=f"{queue}_worker",
                          config={"REDIS_URL": url, "RQ_QUEUE": queue, "MAIL_CAPTURE": False})
    yield env
    conn.close()


def _delete_keys(conn: redis.Redis, names: list[str]) -> None:
    for key in conn.scan_iter(count=500):
        text = key.decode()
        if any(name in text for name in names):
            conn.delete(key)
        elif conn.type(key) == b"set":
            for member in conn.smembers(key):
                if any(name in member.decode() for name in names):
                    conn.srem(key, member)


def redis_values(conn: redis.Redis) -> list[bytes]:
    """Every value held in the Redis database, read by type (DUMP may compress strings)."""
    values = []
    for key in conn.scan_iter(count=500):
        kind = conn.type(key).decode()
        values.append(key)
        if kind == "string":
            values.append(conn.get(key))
        elif kind == "hash":
            values += [b for pair in conn.hgetall(key).items() for b in pair]
        elif kind == "list":
            values += conn.lrange(key, 0, -1)
        elif kind == "set":
            values += list(conn.smembers(key))
        elif kind == "zset":
            values += conn.zrange(key, 0, -1)
        elif kind == "stream":
            values += [b for _, fields in conn.xrange(key) for pair in fields.items()
                       for b in pair]
    return [v for v in values if v is not None]


def run_worker(app, rq_env) -> subprocess.CompletedProcess:
    """`flask worker --burst` in a subprocess against the test database and queue."""
    env = {
        **os.environ,
        "FLASK_APP": "wsgi",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": app.config["SECRET_KEY"],
        "MASTER_KEY": app.config["MASTER_KEY"],
        "BLIND_INDEX_KEY": app.config["BLIND_INDEX_KEY"],
        "INSTANCE_PATH": app.config["INSTANCE_PATH"],
        "REDIS_URL": rq_env.url,
        "RQ_QUEUE": rq_env.queue,
        "EXTRA_PLUGINS": ",".join(f"{k}={v}" for k, v in PLUGINS.items()),
    }
    env.pop("ENABLED_PLUGINS", None)
    done = subprocess.run(
        [sys.executable, "-m", "flask", "worker", "--burst", "--name", rq_env.worker],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done
