"""The second factor: required for roles that can reveal identity, enrolment, codes used once."""

from __future__ import annotations

import re

import pyotp

from core.auth import mfa
from core.extensions import db
from tests.core.auth.helpers import (
    code_now,
    enter_code,
    events,
    fresh,
    sign_in,
    with_mfa,
)
from tests.support import factories as f


def _secret_on_page(html: str) -> str:
    match = re.search(r'data-testid="mfa-secret">([^<]+)<', html)
    return re.sub(r"\s", "", match.group(1))


def _recovery_codes_on_page(html: str) -> list[str]:
    block = html.split('data-testid="recovery-codes"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r"<code>([^<]+)</code>", block)


def test_a_correct_password_alone_does_not_sign_in_someone_who_needs_mfa(client, world):
    response = sign_in(client, world.coordinator.email)
    assert response.headers["Location"] == "/sign-in/set-up-code"
    home = client.get("/")
    assert home.status_code == 302 and home.headers["Location"].startswith("/sign-in")
    with client.session_transaction() as session:
        assert "sid" not in session and "_user_id" not in session
    assert events("login_succeeded") == []


def test_enrolment_shows_a_qr_code_and_stores_only_an_encrypted_secret(client, world):
    sign_in(client, world.coordinator.email)
    page = client.get("/sign-in/set-up-code")
    assert page.status_code == 200
    assert '<svg role="img"' in page.text and "<script" not in page.text.split("<svg")[1][:9000]
    secret = _secret_on_page(page.text)
    assert client.get("/sign-in/set-up-code").text.count(  # the same secret across reloads
        re.search(r'data-testid="mfa-secret">([^<]+)<', page.text).group(1)) == 1

    wrong = client.post("/sign-in/set-up-code", data={"code": "000000"})
    assert "The code is not correct" in wrong.text
    done = client.post("/sign-in/set-up-code", data={"code": pyotp.TOTP(secret).now()})
    assert done.headers["Location"] == "/sign-in/recovery-codes"

    user = fresh(world.coordinator)
    assert user.mfa_enabled and user.mfa_secret_enc
    assert secret not in user.mfa_secret_enc and secret.lower() not in user.mfa_secret_enc.lower()
    assert mfa.user_secret(user) == secret
    assert [e.event for e in events() if e.event.startswith(("mfa", "login"))] == [
        "mfa_failed", "mfa_enrolled", "login_succeeded"]


def test_recovery_codes_are_shown_once_then_the_person_continues(client, world):
    sign_in(client, world.coordinator.email, next="/inbox")
    secret = _secret_on_page(client.get("/sign-in/set-up-code").text)
    client.post("/sign-in/set-up-code", data={"code": pyotp.TOTP(secret).now()})
    page = client.get("/sign-in/recovery-codes")
    codes = _recovery_codes_on_page(page.text)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert 'href="/inbox"' in page.text
    assert mfa.recovery_codes_left(fresh(world.coordinator)) == 10
    assert all(c not in (fresh(world.coordinator).recovery_codes or "") for c in codes)
    again = client.get("/sign-in/recovery-codes")
    assert again.status_code == 302 and again.headers["Location"] == "/account"
    assert client.get("/inbox").status_code == 200


def test_an_enrolled_person_signs_in_with_a_code(client, world):
    secret, _ = with_mfa(world.coordinator)
    assert sign_in(client, world.coordinator.email).headers["Location"] == "/sign-in/code"
    assert client.get("/").status_code == 302
    response = enter_code(client, code_now(secret))
    assert response.headers["Location"] == "/"
    assert client.get("/").status_code == 200
    assert [e.event for e in events() if e.event.endswith("succeeded")] == [
        "mfa_succeeded", "login_succeeded"]


def test_an_enrolled_person_cannot_skip_the_code_by_setting_up_again(client, world):
    with_mfa(world.coordinator)
    sign_in(client, world.coordinator.email)
    response = client.get("/sign-in/set-up-code")
    assert response.headers["Location"] == "/sign-in/code"


def test_a_replayed_code_is_refused(app, world, clock):
    secret, _ = with_mfa(world.coordinator)
    code = code_now(secret, clock)
    first, second = app.test_client(), app.test_client()
    sign_in(first, world.coordinator.email)
    assert enter_code(first, code).headers["Location"] == "/"
    sign_in(second, world.coordinator.email)
    replay = enter_code(second, code)
    assert replay.status_code == 200 and "The code is not correct" in replay.text
    assert second.get("/").status_code == 302
    clock.advance(seconds=30)
    assert enter_code(second, code_now(secret, clock)).headers["Location"] == "/"


def test_a_recovery_code_works_once(app, world):
    _, codes = with_mfa(world.coordinator)
    first, second = app.test_client(), app.test_client()
    sign_in(first, world.coordinator.email)
    assert enter_code(first, codes[3].upper().replace("-", " ")).headers["Location"] == "/"
    assert mfa.recovery_codes_left(fresh(world.coordinator)) == 9
    assert len(events("recovery_code_used")) == 1
    sign_in(second, world.coordinator.email)
    assert "The code is not correct" in enter_code(second, codes[3]).text


def test_wrong_codes_count_towards_the_account_lock(client, world):
    secret, _ = with_mfa(world.coordinator)
    sign_in(client, world.coordinator.email)
    for _ in range(9):
        assert "The code is not correct" in enter_code(client, "000000").text
    locked = enter_code(client, "000000")
    assert locked.headers["Location"] == "/sign-in"
    assert len(events("mfa_failed")) == 10 and len(events("login_locked")) == 1
    sign_in(client, world.coordinator.email)
    assert enter_code(client, code_now(secret)).headers["Location"].startswith("/sign-in")
    assert client.get("/").status_code == 302


def test_a_correct_password_does_not_reset_the_count_of_wrong_codes(client, world):
    with_mfa(world.coordinator)
    for _ in range(3):
        sign_in(client, world.coordinator.email)
        for _ in range(3):
            enter_code(client, "000000")
    assert fresh(world.coordinator).failed_logins == 9
    sign_in(client, world.coordinator.email)
    enter_code(client, "000000")
    assert fresh(world.coordinator).locked_until is not None


def test_a_pending_sign_in_expires_after_five_minutes(client, world, clock):
    secret, _ = with_mfa(world.coordinator)
    sign_in(client, world.coordinator.email)
    clock.advance(minutes=5, seconds=1)
    response = enter_code(client, code_now(secret, clock))
    assert response.headers["Location"] == "/sign-in"
    assert client.get("/").status_code == 302


def test_the_code_page_without_a_password_first_sends_people_to_sign_in(client, world):
    assert client.get("/sign-in/code").headers["Location"] == "/sign-in"
    assert client.get("/sign-in/set-up-code").headers["Location"] == "/sign-in"


def test_mfa_for_everyone_makes_any_role_set_up_a_code(make_app):
    app = make_app(MFA_REQUIRED_FOR_ALL=True)
    with app.app_context():
        user = f.make_user("practitioner", f.make_agency(f.make_partnership()))
        db.session.commit()
        response = sign_in(app.test_client(), user.email)
    assert response.headers["Location"] == "/sign-in/set-up-code"


def test_setting_up_again_needs_the_password_and_replaces_the_old_secret(app, world, login):
    old_secret, _ = with_mfa(world.coordinator)
    other = app.test_client()
    f.login_as(other, world.coordinator)
    client = login(world.coordinator)
    assert client.get("/sign-in/set-up-code").headers["Location"] == "/account/confirm-password"
    wrong = client.post("/account/confirm-password", data={"password": "not my password"})
    assert "Your password is not correct" in wrong.text
    right = client.post("/account/confirm-password",
                        data={"password": "tangerine lighthouse quarrel 47"})
    assert right.headers["Location"] == "/sign-in/set-up-code"

    new_secret = _secret_on_page(client.get("/sign-in/set-up-code").text)
    assert new_secret != old_secret
    done = client.post("/sign-in/set-up-code", data={"code": pyotp.TOTP(new_secret).now()})
    assert done.headers["Location"] == "/sign-in/recovery-codes"
    assert mfa.user_secret(fresh(world.coordinator)) == new_secret
    assert 'href="/account"' in client.get("/sign-in/recovery-codes").text
    assert other.get("/").status_code == 302  # other sessions end with the change
    assert client.get("/").status_code == 200
