"""Which database the suite runs on, and a throwaway one per run.

`TEST_DATABASE_URL` unset: a SQLite file in a temporary folder. Set to a PostgreSQL server URL
(e.g. postgresql+psycopg://postgres@127.0.0.1:5432/postgres): a fresh database is created for
the run and dropped after it. Under CI=true an unreachable server fails the run.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, make_url, text


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def need_service(what: str, reason: str) -> None:
    """A missing service fails under CI and skips (with the reason) elsewhere."""
    message = f"{what} unavailable: {reason}"
    if in_ci():
        pytest.fail(message)
    pytest.skip(message)


@contextmanager
def throwaway_postgres(server_url: str) -> Iterator[str]:
    url = make_url(server_url)
    name = f"pa_test_{secrets.token_hex(4)}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
            # A throwaway database need not survive a crash: skip waiting for the disk on commit.
            conn.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
    except Exception as exc:
        admin.dispose()
        need_service("PostgreSQL", str(exc).splitlines()[0])
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"
            ), {"n": name})
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


@contextmanager
def fresh_database(folder) -> Iterator[str]:
    """A new, empty database of the kind the run uses (SQLite file, or throwaway PostgreSQL)."""
    server = os.environ.get("TEST_DATABASE_URL", "")
    if server.startswith("postgresql"):
        with throwaway_postgres(server) as url:
            yield url
    else:
        yield f"sqlite:///{folder / 'fresh.sqlite'}"
