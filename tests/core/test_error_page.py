"""An unhandled error in a route (SECURITY.md row 32): the page shows nothing of the error (no
traceback, exception text, SQL or path) but a reference the person can quote, and the same
reference is in the logged error, so support can find it."""

from __future__ import annotations

import logging
import re

import pytest

from core.identity.access import public

SECRET = "ZZLEAK select * from user_account /srv/app/core/secret.py"


def _explode():
    raise RuntimeError(SECRET)


@pytest.fixture
def exploding(make_app):
    app = make_app(PROPAGATE_EXCEPTIONS=False)
    app.add_url_rule("/test-explodes", "test_explodes", public(_explode))
    app.add_url_rule("/api/v1/test-explodes", "api_test_explodes", public(_explode))
    return app


def _logged(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "partnership_audit.errors"]


def test_the_500_page_hides_the_error_and_shows_the_logged_reference(exploding, caplog):
    caplog.set_level(logging.ERROR, logger="partnership_audit.errors")
    answer = exploding.test_client().get("/test-explodes")
    assert answer.status_code == 500
    assert "Sorry, there is a problem with the service" in answer.text
    for leak in ("Traceback", "RuntimeError", "ZZLEAK", "user_account", "secret.py", "/srv/"):
        assert leak not in answer.text
    shown = re.search(r'id="error-reference">([0-9a-f]{12})<', answer.text)
    assert shown, "the page should show an error reference"
    records = _logged(caplog)
    assert len(records) == 1 and f"ref={shown.group(1)}" in records[0].getMessage()
    assert "RuntimeError" in records[0].getMessage()  # the log, unlike the page, says what


def test_each_error_gets_its_own_reference(exploding):
    client = exploding.test_client()
    refs = {re.search(r'id="error-reference">(\w+)<', client.get("/test-explodes").text)
            .group(1) for _ in range(2)}
    assert len(refs) == 2


def test_an_api_500_carries_the_reference_and_nothing_of_the_error(exploding, caplog):
    caplog.set_level(logging.ERROR, logger="partnership_audit.errors")
    answer = exploding.test_client().get("/api/v1/test-explodes")
    assert answer.status_code == 500
    assert "ZZLEAK" not in answer.text and "Traceback" not in answer.text
    ref = re.search(r"Reference: ([0-9a-f]{12})", answer.text).group(1)
    assert f"ref={ref}" in _logged(caplog)[0].getMessage()
