"""Retention and key rotation take a single-runner lock: while one run holds it, another
(the nightly job, an operator's CLI run) does nothing and says so; afterwards it runs."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import text

from core.cases import retention
from core.extensions import db
from core.jobs.single_runner import AlreadyRunning, lock_key, single_runner


@pytest.fixture(autouse=True)
def _postgres_only():
    if db.engine.dialect.name != "postgresql":
        pytest.skip("advisory locks are PostgreSQL's; SQLite has one writer at a time anyway")


@contextmanager
def held_elsewhere(name: str):
    """Another process's runner, holding the lock on a connection of its own."""
    with db.engine.connect() as other:
        assert other.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": lock_key(name)})
        other.commit()
        try:
            yield
        finally:
            other.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": lock_key(name)})
            other.commit()


def test_a_second_retention_run_does_nothing_while_the_first_runs(app):
    with held_elsewhere("retention"):
        with pytest.raises(AlreadyRunning, match="Another retention run is in progress"):
            retention.run_retention()
        assert retention.retention_job() == {"skipped": "another retention run is in progress"}
        result = app.test_cli_runner().invoke(args=["cases", "retention"])
        assert result.exit_code == 1 and "Another retention run is in progress" in result.output
    assert retention.run_retention().failed == []  # the lock was let go: it runs


def test_the_lock_is_let_go_when_the_run_fails(app):
    with pytest.raises(ZeroDivisionError), single_runner("retention"):
        1 / 0  # noqa: B018 (a run that fails part way)
    with single_runner("retention"):
        pass


def test_key_rotation_is_single_runner_too(app):
    with held_elsewhere("key rotation"):
        result = app.test_cli_runner().invoke(args=["keys", "rotate"])
    assert result.exit_code == 1 and "Another key rotation run is in progress" in result.output
