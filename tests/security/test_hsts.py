"""HSTS (SECURITY.md row 17): in the production (HTTPS) configuration every response over
HTTPS, including 404 and 500, tells browsers to use HTTPS only for a year, subdomains too;
plain HTTP is sent to HTTPS first."""

from __future__ import annotations

import re

import pytest

from core.identity.access import public

YEAR = 31536000


def _explode():
    raise RuntimeError("boom")


@pytest.fixture
def https_app(make_app):
    app = make_app(FORCE_HTTPS=True, SESSION_COOKIE_SECURE=True, PROPAGATE_EXCEPTIONS=False)
    app.add_url_rule("/test-explodes", "test_explodes", public(_explode))
    return app


def _hsts(response) -> None:
    value = response.headers.get("Strict-Transport-Security", "")
    age = re.search(r"max-age=(\d+)", value)
    assert age and int(age.group(1)) >= YEAR, value
    assert "includeSubDomains" in value


@pytest.mark.parametrize(("path", "status"), [
    ("/sign-in", 200), ("/livez", 200), ("/no-such-page", 404), ("/test-explodes", 500)])
def test_every_https_response_carries_hsts(https_app, path, status):
    response = https_app.test_client().get(path, base_url="https://localhost")
    assert response.status_code == status
    _hsts(response)


def test_behind_a_tls_proxy_the_forwarded_scheme_counts_as_https(https_app):
    response = https_app.test_client().get("/sign-in",
                                           headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 200
    _hsts(response)


def test_plain_http_is_redirected_to_https_in_the_production_configuration(https_app):
    response = https_app.test_client().get("/sign-in")
    assert response.status_code in (301, 302)
    assert response.headers["Location"].startswith("https://")
