"""One runner at a time for jobs that must not overlap (retention, key rotation).

The nightly scheduler and an operator's CLI run can start together; two retention runs would
race over the same cases, two rotations over the same keys. On PostgreSQL a session advisory
lock, held on a connection of its own for the whole run, lets exactly one in; the other is told
so and does nothing. SQLite (the single-machine default) has one writer at a time already, and
each destroyed case is checked again inside its own transaction.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text

from core.extensions import db


class AlreadyRunning(RuntimeError):
    """Another runner holds the lock; this one did nothing."""


def lock_key(name: str) -> int:
    """A stable 32-bit key per job name (advisory locks are keyed by integers)."""
    return zlib.crc32(name.encode())


@contextmanager
def single_runner(name: str) -> Iterator[None]:
    """Run the block only if no other process runs `name`; otherwise raise AlreadyRunning."""
    if db.engine.dialect.name != "postgresql":
        yield
        return
    key = lock_key(name)
    with db.engine.connect() as conn:
        if not conn.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}):
            conn.rollback()
            raise AlreadyRunning(f"Another {name} run is in progress; nothing was done.")
        conn.commit()  # the lock is the session's, not the transaction's: keep no transaction
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
            conn.commit()
