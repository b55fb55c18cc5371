"""Forgotten passwords: a signed link that works once, for a limited time, and skips nothing."""

from __future__ import annotations

import re

from flask import current_app

from core.auth import reset
from core.auth.passwords import hash_password
from core.extensions import db
from tests.core.auth.helpers import code_now, events, fresh, sign_in, with_mfa
from tests.support import factories as f
from tests.support.factories import login_as

SENT = "If the address has an account, we have sent a link"
NEW = "ocean kettle marigold 1984 drift"


def _outbox() -> list[dict]:
    return current_app.extensions.setdefault("mail_outbox", [])


def _ask_for_link(client, email: str) -> str | None:
    """Ask for a link; return the path of the link emailed, if one was."""
    before = len(_outbox())
    response = client.post("/forgot-password", data={"email": email})
    assert response.status_code == 200 and SENT in response.text
    if len(_outbox()) == before:
        return None
    link = re.search(r"https?://\S+", _outbox()[-1]["body"]).group(0)
    return "/" + link.split("/", 3)[3]


def _choose(client, path: str, password: str = NEW):
    follow = client.get(path)
    assert follow.status_code == 302 and follow.headers["Location"] == "/reset-password"
    return client.post("/reset-password", data={"password": password, "confirm": password})


def test_the_answer_is_the_same_for_unknown_addresses_and_no_mail_is_sent(client, world):
    assert _ask_for_link(client, "nobody@example.test") is None
    assert _outbox() == []


def test_a_reset_link_works_once_and_signs_out_every_session(app, client, world):
    elsewhere = app.test_client()
    login_as(elsewhere, world.tm_a)
    path = _ask_for_link(client, world.tm_a.email)
    mail = _outbox()[-1]
    assert mail["to"] == world.tm_a.email
    assert path.startswith("/reset-password/")
    assert current_app.config["PUBLIC_URL"] in mail["body"]

    done = _choose(client, path)
    assert done.headers["Location"] == "/sign-in"
    assert client.get("/").status_code == 302  # the reset does not sign anyone in
    assert elsewhere.get("/").status_code == 302
    assert [e.event for e in events() if e.event.startswith("password")] == [
        "password_reset_requested", "password_reset"]

    used = client.get(path)
    assert used.status_code == 400 and "cannot be used" in used.text
    assert "Enter a correct email address" in sign_in(client, world.tm_a.email).text
    assert sign_in(client, world.tm_a.email, NEW).headers["Location"] == "/"


def test_a_reset_clears_the_lock(client, world, clock):
    for _ in range(10):
        sign_in(client, world.tm_a.email, "not the password at all")
    assert fresh(world.tm_a).locked_until is not None
    _choose(client, _ask_for_link(client, world.tm_a.email))
    user = fresh(world.tm_a)
    assert user.locked_until is None and user.failed_logins == 0


def test_an_expired_link_is_refused_with_a_clear_page(client, world, clock):
    path = _ask_for_link(client, world.tm_a.email)
    clock.advance(seconds=current_app.config["PASSWORD_RESET_MAX_AGE"] + 1)
    response = client.get(path)
    assert response.status_code == 400 and "This link has expired" in response.text


def test_a_link_that_expires_while_the_form_is_open_is_refused(client, world, clock):
    path = _ask_for_link(client, world.tm_a.email)
    assert client.get(path).status_code == 302
    clock.advance(seconds=current_app.config["PASSWORD_RESET_MAX_AGE"] + 1)
    response = client.post("/reset-password", data={"password": NEW, "confirm": NEW})
    assert response.status_code == 400
    assert sign_in(client, world.tm_a.email, NEW).status_code == 200  # not changed


def test_a_tampered_link_is_refused(client, world):
    path = _ask_for_link(client, world.tm_a.email)
    response = client.get(path[:-3] + "abc")
    assert response.status_code == 400 and "cannot be used" in response.text


def test_a_reset_still_asks_for_the_code_of_an_mfa_user(client, world):
    secret, _ = with_mfa(world.coordinator)
    _choose(client, _ask_for_link(client, world.coordinator.email))
    response = sign_in(client, world.coordinator.email, NEW)
    assert response.headers["Location"] == "/sign-in/code"
    assert client.get("/").status_code == 302
    assert client.post("/sign-in/code", data={"code": code_now(secret)}).headers[
        "Location"] == "/"


def test_the_new_password_must_meet_the_policy_and_match(client, world):
    path = _ask_for_link(client, world.tm_a.email)
    client.get(path)
    weak = client.post("/reset-password", data={"password": "Password1234",
                                                 "confirm": "Password1234"})
    assert weak.status_code == 200 and "too easy to guess" in weak.text
    mismatch = client.post("/reset-password", data={"password": NEW, "confirm": NEW + "x"})
    assert "The passwords do not match" in mismatch.text
    assert client.post("/reset-password", data={"password": NEW, "confirm": NEW}).headers[
        "Location"] == "/sign-in"


def test_a_disabled_account_gets_no_link(client, world):
    world.tm_a.active = False
    db.session.commit()
    assert _ask_for_link(client, world.tm_a.email) is None


def test_a_token_for_one_password_does_not_survive_a_password_change(app, world):
    token = reset.make_token(world.tm_a)
    assert reset.user_for_token(token) == (world.tm_a, None)
    world.tm_a.password_hash = hash_password(NEW)
    db.session.commit()
    assert reset.user_for_token(token) == (None, "invalid")


def test_the_reset_email_carries_only_the_link(client, world):
    _ask_for_link(client, world.tm_a.email)
    body = _outbox()[-1]["body"]
    assert world.tm_a.name not in body
    assert body.count("http") == 1


def _user_in(app):
    with app.app_context():
        user = f.make_user("practitioner", f.make_agency(f.make_partnership()))
        db.session.commit()
        return user.email


def test_a_mail_server_failure_shows_the_same_page(make_app):
    app = make_app(MAIL_CAPTURE=False, MAIL_SERVER="127.0.0.1", MAIL_PORT=1, MAIL_USE_TLS=False)
    email = _user_in(app)
    response = app.test_client().post("/forgot-password", data={"email": email})
    assert response.status_code == 200 and SENT in response.text


def test_without_a_mail_server_a_warning_is_logged_without_the_link(make_app, caplog):
    app = make_app(MAIL_CAPTURE=False, MAIL_SERVER=None)
    email = _user_in(app)
    response = app.test_client().post("/forgot-password", data={"email": email})
    assert SENT in response.text
    warnings = [r.getMessage() for r in caplog.records if r.name == "partnership_audit.mail"]
    assert len(warnings) == 1 and "mail not configured" in warnings[0]
    assert "reset-password/" not in caplog.text
