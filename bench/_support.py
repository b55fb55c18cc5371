"""What every benchmark shares: a throwaway database per engine and an app on it."""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, make_url, text


@contextmanager
def postgres(server_url: str) -> Iterator[str]:
    url = make_url(server_url)
    name = f"pa_bench_{secrets.token_hex(4)}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = :n"), {"n": name})
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def _app(database_url: str, instance: str):
    from core.app import create_app

    return create_app({
        "SQLALCHEMY_DATABASE_URI": database_url, "INSTANCE_PATH": instance,
        "SECRET_KEY": secrets.token_urlsafe(32), "MASTER_KEY": secrets.token_urlsafe(32),
        "BLIND_INDEX_KEY": secrets.token_urlsafe(32), "REDIS_URL": None,
    })


def app_for(database_url: str, instance: str, **overrides):
    """An app with fresh random keys; jobs run in-process. `overrides` change settings (e.g.
    ENABLED_PLUGINS)."""
    from core.app import create_app

    return create_app({
        "SQLALCHEMY_DATABASE_URI": database_url, "INSTANCE_PATH": instance,
        "SECRET_KEY": secrets.token_urlsafe(32), "MASTER_KEY": secrets.token_urlsafe(32),
        "BLIND_INDEX_KEY": secrets.token_urlsafe(32), "REDIS_URL": None, **overrides,
    })


def each_database(measure: Callable[[str], dict]) -> dict:
    """Run `measure(url)` on SQLite, and on PostgreSQL when BENCH_POSTGRES_URL names a server."""
    figures: dict = {}
    with tempfile.TemporaryDirectory() as folder:
        figures["sqlite"] = measure(f"sqlite:///{folder}/bench.sqlite")
    server = os.environ.get("BENCH_POSTGRES_URL", "")
    if server.startswith("postgresql"):
        with postgres(server) as url:
            figures["postgresql"] = measure(url)
    else:
        figures["postgresql"] = "skipped: set BENCH_POSTGRES_URL to measure"
    return figures
