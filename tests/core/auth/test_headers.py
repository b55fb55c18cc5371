"""Security headers on the sign-in page and on error pages (SECURITY.md 17)."""

from __future__ import annotations

import pytest


def _check(response) -> None:
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp
    assert "object-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "base-uri 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", ["/sign-in", "/forgot-password", "/no-such-page"])
def test_pages_anyone_can_reach_carry_the_security_headers(client, path):
    response = client.get(path)
    assert response.status_code == (404 if path == "/no-such-page" else 200)
    _check(response)


def test_every_script_on_the_sign_in_page_carries_the_nonce_and_none_is_inline(client):
    response = client.get("/sign-in")
    nonce = response.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    scripts = response.text.split("<script")[1:]
    assert scripts
    for script in scripts:
        tag, _, rest = script.partition(">")
        assert f'nonce="{nonce}"' in tag and 'src="' in tag
        assert rest.startswith("</script>")
    assert " style=" not in response.text


def test_an_authenticated_page_carries_the_security_headers(login, world):
    _check(login(world.tm_a).get("/account"))
