"""Your account page and changing your password."""

from __future__ import annotations

from core.auth.passwords import policy_problem
from tests.core.auth.helpers import events, fresh, sign_in, with_mfa
from tests.support.factories import (
    PASSWORD,
    login_as,
    make_agency,
    make_partnership,
    make_user,
)

NEW = "ocean kettle marigold 1984 drift"


def test_the_account_page_shows_details_roles_and_this_session(login, world):
    with_mfa(world.tm_a)
    page = login(world.tm_a).get("/account")
    assert page.status_code == 200
    for text in (world.tm_a.name, world.tm_a.email, "Team manager, Assessment",
                 "This session", "Recovery codes left", "Set up again"):
        assert text in page.text, text
    assert "Sign out of all other sessions" not in page.text  # there are none


def test_the_account_page_needs_sign_in(client):
    assert client.get("/account").headers["Location"].startswith("/sign-in")


def test_changing_the_password_ends_other_sessions_but_not_this_one(app, login, world):
    other = app.test_client()
    login_as(other, world.tm_a)
    client = login(world.tm_a)
    response = client.post("/account/password", data={
        "current": PASSWORD, "password": NEW, "confirm": NEW})
    assert response.headers["Location"] == "/account"
    assert client.get("/").status_code == 200
    assert other.get("/").status_code == 302
    assert fresh(world.tm_a).password_changed_at is not None
    assert len(events("password_changed")) == 1
    client.post("/sign-out")
    assert sign_in(client, world.tm_a.email, NEW).headers["Location"] == "/"


def test_a_wrong_current_password_is_named_on_its_field_and_counted(login, world):
    client = login(world.tm_a)
    response = client.post("/account/password", data={
        "current": "not my password", "password": NEW, "confirm": NEW})
    assert response.status_code == 200
    assert "Your current password is not correct" in response.text
    assert 'href="#current"' in response.text
    assert fresh(world.tm_a).failed_logins == 1


def test_a_new_password_built_on_the_persons_name_is_refused(login, world):
    world.tm_a.name = "Morgan Thistlewood"
    client = login(world.tm_a)
    weak = "thistlewood morgan 2025"
    assert policy_problem(weak) is None  # only the person's own name makes it weak
    response = client.post("/account/password", data={
        "current": PASSWORD, "password": weak, "confirm": weak})
    assert "too easy to guess" in response.text
    assert 'href="#password"' in response.text


def test_a_new_password_built_on_the_service_name_is_refused(make_app):
    app = make_app(SERVICE_NAME="Kestrelford Partnership Audit")
    weak = "kestrelford kestrelford 99"
    with app.app_context():
        assert policy_problem(weak) is None  # only the service's own name makes it weak
        user = make_user("practitioner", make_agency(make_partnership()))
        client = app.test_client()
        login_as(client, user)
        response = client.post("/account/password", data={
            "current": PASSWORD, "password": weak, "confirm": weak})
    assert "too easy to guess" in response.text


def test_guessing_the_current_password_locks_and_signs_out(login, world):
    client = login(world.tm_a)
    for _ in range(9):
        client.post("/account/password", data={
            "current": "not my password", "password": NEW, "confirm": NEW})
    response = client.post("/account/password", data={
        "current": "not my password", "password": NEW, "confirm": NEW})
    assert response.headers["Location"] == "/sign-in"
    assert client.get("/").status_code == 302
    assert len(events("login_locked")) == 1


def test_a_lock_caused_elsewhere_refuses_the_form_but_keeps_this_session(login, world):
    client = login(world.tm_a)
    before = world.tm_a.password_hash
    other = client.application.test_client()
    for _ in range(10):
        sign_in(other, world.tm_a.email, "someone guessing elsewhere")
    response = client.post("/account/password", data={
        "current": PASSWORD, "password": NEW, "confirm": NEW})
    assert "too many wrong passwords" in response.text
    assert client.get("/").status_code == 200
    assert fresh(world.tm_a).password_hash == before
