"""Control characters never forge a log line: they are encoded in every log the service writes.

Covers the JSON log lines, the security log (row and line) and the access log's detail, with a
username (a sign-in email) and details carrying newlines, carriage returns and escape codes.
"""

from __future__ import annotations

import json
import logging

from sqlalchemy import select

from core.accesslog.chain import append, verify
from core.extensions import db
from core.identity.models import SecurityEvent
from core.identity.security_log import record
from core.logs import JsonFormatter

FORGED = "x@example.test\nINFO login_ok user=1\r\x1b[2J"
RAW = ("\n", "\r", "\x1b")


def _json_lines(caplog) -> list[str]:
    formatter = JsonFormatter()
    return [formatter.format(r) for r in caplog.records]


def test_a_json_log_line_encodes_control_characters_in_the_message():
    entry = logging.LogRecord("partnership_audit.x", logging.WARNING, __file__, 1,
                              "sign-in by %s", (FORGED,), None)
    line = JsonFormatter().format(entry)
    assert not any(c in line for c in RAW)
    assert "\\n" in line and json.loads(line)["message"] == f"sign-in by {FORGED}"


def test_a_security_event_detail_is_stored_and_logged_escaped(app, world, caplog):
    with caplog.at_level(logging.INFO, logger="partnership_audit.security"):
        record("login_failed", user=world.tm_a, detail=FORGED)
    stored = db.session.scalar(select(SecurityEvent.detail).order_by(SecurityEvent.id.desc()))
    assert not any(c in stored for c in RAW) and "\\n" in stored
    messages = [r.getMessage() for r in caplog.records]
    assert messages and not any(c in m for m in messages for c in RAW)
    assert all("\n" not in line for line in _json_lines(caplog))


def test_a_username_with_a_newline_is_never_logged_raw(client, world, caplog):
    with caplog.at_level(logging.INFO, logger="partnership_audit"):
        client.post("/sign-in", data={"email": FORGED, "password": "wrong"})
        client.post("/sign-in", data={"email": f"{world.tm_a.email}\n", "password": "wrong"})
    details = list(db.session.scalars(select(SecurityEvent.detail)))
    assert not any(c in (d or "") for d in details for c in RAW)
    assert not any(c in r.getMessage() for r in caplog.records for c in RAW)
    assert all("\n" not in line for line in _json_lines(caplog))


def test_an_access_log_detail_is_escaped_and_still_verifies(world):
    entry = append("export", "report", detail=f"by {FORGED}", user=world.coordinator)
    db.session.commit()
    assert not any(c in entry.detail for c in RAW) and "\\n" in entry.detail
    assert verify().ok
