"""Sessions: new id at sign-in, sign-out on the server, other sessions, timeouts, cookies."""

from __future__ import annotations

from core.extensions import db
from tests.core.auth.helpers import code_now, events, sign_in, with_mfa
from tests.support import factories as f


def _cookie(client) -> str | None:
    cookie = client.get_cookie("session")
    return cookie.value if cookie else None


def _sid(app, client) -> str | None:
    value = _cookie(client)
    data = app.session_interface.get_signing_serializer(app).loads(value) if value else {}
    return data.get("sid")


def test_the_session_cookie_changes_when_sign_in_completes(app, client, world):
    secret, _ = with_mfa(world.coordinator)
    sign_in(client, world.coordinator.email)
    before = _cookie(client)
    assert before and _sid(app, client) is None
    client.post("/sign-in/code", data={"code": code_now(secret)})
    assert _cookie(client) != before
    first_sid = _sid(app, client)
    assert first_sid

    client.post("/sign-out")
    sign_in(client, world.tm_a.email)
    assert _sid(app, client) not in (None, first_sid)


def test_sign_out_ends_the_session_on_the_server(client, world):
    sign_in(client, world.tm_a.email)
    old = _cookie(client)
    response = client.post("/sign-out")
    assert response.headers["Location"] == "/sign-in"
    assert response.headers["Clear-Site-Data"] == '"cache","storage"'
    assert "You have signed out" in client.get("/sign-in").text
    assert len(events("logout")) == 1

    client.set_cookie("session", old, domain="localhost")  # replay the signed-in cookie
    replay = client.get("/")
    assert replay.status_code == 302 and replay.headers["Location"].startswith("/sign-in")


def test_sign_out_needs_a_signed_in_person(client):
    assert client.post("/sign-out").headers["Location"].startswith("/sign-in")


def test_signing_out_of_other_sessions_ends_another_browsers_session(app, world):
    mine, theirs = app.test_client(), app.test_client()
    sign_in(mine, world.tm_a.email)
    sign_in(theirs, world.tm_a.email)
    assert theirs.get("/").status_code == 200
    account = mine.get("/account")
    assert "Sign out of all other sessions" in account.text
    assert account.text.count("This session") == 1

    response = mine.post("/account/sessions/end-others")
    assert response.headers["Location"] == "/account"
    assert theirs.get("/").status_code == 302
    assert mine.get("/").status_code == 200
    assert [e.detail for e in events("sessions_ended")] == ["1"]


def test_disabling_an_account_ends_its_live_session_at_the_next_request(login, world):
    client = login(world.tm_a)
    assert client.get("/").status_code == 200
    world.tm_a.active = False
    db.session.commit()
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


def test_thirty_one_idle_minutes_end_the_session(login, world, clock):
    client = login(world.tm_a)
    clock.advance(minutes=29)
    assert client.get("/").status_code == 200
    clock.advance(minutes=31)
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


def test_twelve_hours_of_activity_end_the_session(login, world, clock):
    client = login(world.tm_a)
    for _ in range(24):  # a request every 29 minutes: never idle, 11 h 36 min in all
        clock.advance(minutes=29)
        assert client.get("/").status_code == 200
    clock.advance(minutes=25)  # 12 h 1 min after signing in
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


def test_the_session_cookie_is_host_only_secure_httponly_and_lax(make_app):
    app = make_app(SESSION_COOKIE_SECURE=True)
    with app.app_context():
        user = f.make_user("practitioner", f.make_agency(f.make_partnership()))
        db.session.commit()
        response = sign_in(app.test_client(), user.email, base_url="https://localhost")
    assert response.headers["Location"] == "/"
    cookie = next(c for c in response.headers.getlist("Set-Cookie")
                  if c.startswith("__Host-session="))
    attributes = [a.strip().lower() for a in cookie.split(";")[1:]]
    assert "secure" in attributes and "httponly" in attributes
    assert "samesite=lax" in attributes and "path=/" in attributes
    assert not any(a.startswith("domain=") for a in attributes)


def test_the_session_cookie_is_httponly_and_lax_in_development_too(client, world):
    response = sign_in(client, world.tm_a.email)
    cookie = next(c for c in response.headers.getlist("Set-Cookie")
                  if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
