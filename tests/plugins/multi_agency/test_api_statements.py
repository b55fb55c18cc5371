"""How many SQL statements one partner-API save costs: every round trip is paid under load, so
a lazy load or a repeated lookup creeping back in fails here with the statements listed.

Run with `-s` to print each statement and the line of the app that issued it."""

from __future__ import annotations

import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import event

from core.api.calls import LAST_USED_GRAIN, last_used_due
from core.extensions import db
from core.timeutil import utcnow
from tests.plugins.multi_agency.conftest import bearer, body, start

# A draft save of an existing return (what partner systems do most), and a first save.
MAX_UPDATE = 13
MAX_FIRST = 14


def _origin() -> str:
    """The innermost frame of the app's own code (not SQLAlchemy, Flask or the tests)."""
    for frame in reversed(traceback.extract_stack()):
        if ("/core/" in frame.filename or "/plugins/" in frame.filename) and \
                "/tests/" not in frame.filename:
            return f"{frame.filename.split('/work/main/')[-1]}:{frame.lineno} {frame.name}"
    return "?"


@contextmanager
def _statements() -> Iterator[list[str]]:
    seen: list[str] = []

    def note(conn, cursor, statement, parameters, context, executemany) -> None:
        seen.append(f"{' '.join(statement.split())[:90]}  <- {_origin()}")

    engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def _save(client, path: str, token: str, key: str, payload: dict):
    """One POST in a session holding nothing yet, as each request starts in production (the
    tests' requests otherwise share the fixtures' session and its loaded rows)."""
    db.session.remove()
    with _statements() as seen:
        answer = client.post(path, json=payload, headers=bearer(token, key=key))
    print(f"\n{len(seen)} statements for a {answer.status_code}:")
    print("\n".join(seen))
    return answer, seen


def test_a_saved_draft_costs_few_statements(client, audit, ma, tokens):
    start(audit, ma)
    path = f"/api/v1/multi-agency/audits/{audit.reference}/cases/{audit.cases[1].code}/return"
    first, first_seen = _save(client, path, tokens.lead_b, "s-1", body("police"))
    assert first.status_code == 201
    again, seen = _save(client, path, tokens.lead_b, "s-2", body("police"))
    assert again.status_code == 200
    assert len(first_seen) <= MAX_FIRST, (
        f"A first API save made {len(first_seen)} SQL statements (at most {MAX_FIRST}):\n"
        + "\n".join(first_seen))
    assert len(seen) <= MAX_UPDATE, (
        f"A draft API save made {len(seen)} SQL statements (at most {MAX_UPDATE}):\n"
        + "\n".join(seen))


def test_last_used_is_written_at_most_once_a_minute():
    now = utcnow()
    assert last_used_due(None, now)
    assert not last_used_due(now - LAST_USED_GRAIN + timedelta(seconds=1), now)
    assert last_used_due(now - LAST_USED_GRAIN, now)
