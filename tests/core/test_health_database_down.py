"""With the database unreachable (SECURITY.md R10), /readyz answers 503 so the load balancer
stops sending people here, while /livez (and its older name /healthz) answers 200, so the
process is not restarted for another service's outage. Neither body names hosts or versions."""

from __future__ import annotations

import pytest

from core.app import create_app
from tests.conftest import base_config

NOWHERE = "postgresql+psycopg://qa@127.0.0.1:1/qa"  # nothing listens on port 1


@pytest.fixture
def unreachable():
    app = create_app(base_config(NOWHERE, PROPAGATE_EXCEPTIONS=False))
    with app.app_context():
        yield app.test_client()


def _no_details(text: str) -> None:
    for leak in ("127.0.0.1", "psycopg", "PostgreSQL", "Traceback", "version", ":1"):
        assert leak not in text


def test_readyz_answers_503_when_the_database_cannot_be_reached(unreachable):
    answer = unreachable.get("/readyz")
    assert answer.status_code == 503
    assert answer.get_json()["database"] == "unavailable"
    _no_details(answer.text)


@pytest.mark.parametrize("path", ["/livez", "/healthz"])
def test_livez_answers_200_without_the_database(unreachable, path):
    answer = unreachable.get(path)
    assert answer.status_code == 200 and answer.get_json() == {"status": "ok"}
    _no_details(answer.text)
