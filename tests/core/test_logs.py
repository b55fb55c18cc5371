"""Every response carries a request id, and log lines are JSON carrying it."""

from __future__ import annotations

import json
import logging

from core.logs import JsonFormatter, RequestIdFilter


def test_a_request_id_is_made_or_taken_from_a_well_formed_header(client):
    made = client.get("/livez").headers["X-Request-Id"]
    assert len(made) == 32
    given = client.get("/livez", headers={"X-Request-Id": "proxy-abc-123456"})
    assert given.headers["X-Request-Id"] == "proxy-abc-123456"
    odd = client.get("/livez", headers={"X-Request-Id": "<script>alert(1)</script>"})
    assert odd.headers["X-Request-Id"] != "<script>alert(1)</script>"


def test_log_lines_are_json_with_the_request_id(app):
    record = logging.LogRecord("partnership_audit.x", logging.INFO, __file__, 1,
                               "case %s viewed", ("NB-ABCDEF-G",), None)
    with app.test_request_context("/"):
        from flask import g

        g.request_id = "req-12345678"
        RequestIdFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "req-12345678"
    assert line["message"] == "case NB-ABCDEF-G viewed" and line["level"] == "INFO"
    assert line["at"].endswith("Z") and "+00:00" not in line["at"]  # UTC, said the short way
