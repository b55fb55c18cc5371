"""Signing in with a password: one answer for every refusal, the lock, throttling, CSRF."""

from __future__ import annotations

import re
from datetime import timedelta

from core.extensions import db
from core.timeutil import utcnow
from tests.core.auth.helpers import (
    events,
    fresh,
    sign_in,
    without_nonce,
)
from tests.support import factories as f

GENERIC = "Enter a correct email address and password"


def test_a_person_without_mfa_duties_signs_in_and_reaches_home(client, world):
    response = sign_in(client, world.tm_a.email)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert client.get("/").status_code == 200
    assert [e.user_id for e in events("login_succeeded")] == [world.tm_a.id]


def test_the_email_address_is_matched_whatever_its_case(client, world):
    response = sign_in(client, "  TM.A@Example.test ")
    assert response.headers["Location"] == "/"


def test_unknown_address_and_wrong_password_get_the_same_status_and_body(client, world):
    unknown = sign_in(client, "nobody@example.test", "some wrong password here")
    wrong = sign_in(client, world.tm_a.email, "some wrong password here")
    assert unknown.status_code == wrong.status_code == 200
    assert GENERIC in unknown.text
    same_unknown = without_nonce(unknown.text).replace("nobody@example.test", "EMAIL")
    same_wrong = without_nonce(wrong.text).replace(world.tm_a.email, "EMAIL")
    assert same_unknown == same_wrong
    assert [e.detail for e in events("login_failed")] == ["unknown_account", None]


def test_a_wrong_password_is_not_echoed_back_into_the_page(client, world):
    response = sign_in(client, world.tm_a.email, "my secret guess 123")
    assert "my secret guess 123" not in response.text


def test_ten_failures_lock_the_account_until_the_lock_period_ends(client, world, clock):
    for _ in range(10):
        assert GENERIC in sign_in(client, world.tm_a.email, "not the password at all").text
    assert fresh(world.tm_a).locked_until is not None
    assert len(events("login_locked")) == 1

    refused = sign_in(client, world.tm_a.email)  # the right password, while locked
    assert refused.status_code == 200 and GENERIC in refused.text
    assert client.get("/").status_code == 302

    clock.advance(minutes=15, seconds=1)
    assert sign_in(client, world.tm_a.email).headers["Location"] == "/"
    assert fresh(world.tm_a).failed_logins == 0


def test_the_locked_answer_is_the_same_as_a_wrong_password(app, world):
    world.tm_a.locked_until = utcnow() + timedelta(minutes=10)
    db.session.commit()
    locked = sign_in(app.test_client(), world.tm_a.email)
    wrong = sign_in(app.test_client(), world.tm_b.email, "not the password at all")
    assert locked.status_code == wrong.status_code
    assert without_nonce(locked.text).replace(world.tm_a.email, "E") == without_nonce(
        wrong.text).replace(world.tm_b.email, "E")


def test_a_successful_sign_in_resets_the_failure_count(client, world):
    for _ in range(3):
        sign_in(client, world.tm_a.email, "not the password at all")
    assert fresh(world.tm_a).failed_logins == 3
    sign_in(client, world.tm_a.email)
    assert fresh(world.tm_a).failed_logins == 0


def test_a_disabled_account_cannot_sign_in(client, world):
    world.tm_a.active = False
    db.session.commit()
    response = sign_in(client, world.tm_a.email)
    assert GENERIC in response.text
    assert client.get("/").status_code == 302
    assert [e.detail for e in events("login_failed")] == ["inactive"]


def test_an_expired_account_cannot_sign_in(client, world):
    world.tm_a.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = sign_in(client, world.tm_a.email)
    assert GENERIC in response.text
    assert client.get("/").status_code == 302
    assert [e.detail for e in events("login_failed")] == ["expired"]


def test_empty_fields_are_named_in_the_error_summary(client, world):
    response = sign_in(client, "", "")
    assert "Enter your email address" in response.text
    assert "Enter your password" in response.text
    assert 'href="#email"' in response.text
    assert events("login_failed") == []


def test_a_safe_next_page_is_honoured(client, world):
    response = sign_in(client, world.tm_a.email, next="/inbox?page=2")
    assert response.headers["Location"] == "/inbox?page=2"


def test_an_off_site_next_address_is_ignored(client, world):
    for target in ("https://evil.example", "//evil.example/x", "/\\evil.example",
                   "javascript:alert(1)"):
        client.post("/sign-out")
        response = sign_in(client, world.tm_a.email, next=target)
        assert response.headers["Location"] == "/", target


def test_the_sign_in_page_redirects_a_signed_in_person_home(login, world):
    client = login(world.tm_a)
    assert client.get("/sign-in").headers["Location"] == "/"


def test_sign_in_is_throttled_per_address_with_the_429_page(make_app):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    client = app.test_client()
    statuses = [sign_in(client, "nobody@example.test", "wrong password here").status_code
                for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert "too many attempts" in sign_in(client, "x@example.test", "y").text
    assert client.get("/sign-in").status_code == 200  # only POSTs are counted


def _token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_a_sign_in_without_a_csrf_token_is_refused_and_logged(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        user = f.make_user("practitioner", f.make_agency(f.make_partnership()))
        db.session.commit()
        client = app.test_client()
        refused = sign_in(client, user.email)
        assert refused.status_code == 400
        assert [e.detail for e in events("csrf_failed")] == ["auth.login"]

        token = _token(client.get("/sign-in").text)
        accepted = client.post("/sign-in", data={"email": user.email, "password": f.PASSWORD,
                                                 "csrf_token": token})
        assert accepted.status_code == 302 and accepted.headers["Location"] == "/"
