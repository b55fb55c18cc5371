"""Redis (the rate-limit storage) down at sign-in (SECURITY.md row 4, R8): nobody gets a 500.
The per-address limit carries on in this process's memory, and the per-account lock, counted
in the database, still locks after ten wrong passwords and refuses the right one after that.

Redis is "down" by pointing the limiter and the job queue at a closed port, so these run
without Redis and on either database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from core.extensions import db, limiter
from tests.core.auth.helpers import events, fresh, sign_in
from tests.faults.conftest import NOWHERE
from tests.support import factories as f

GENERIC = "Enter a correct email address and password"
WRONG = "not the password at all"


@pytest.fixture
def down(make_app) -> Iterator[Flask]:
    """An app whose rate limits and jobs point at a Redis that refuses every connection."""
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=NOWHERE, REDIS_URL=NOWHERE,
                   PROPAGATE_EXCEPTIONS=False, LOGIN_RATE_LIMIT="20 per minute")
    with app.app_context():
        yield app
        db.session.remove()
    limiter._storage_dead = False  # the limiter is shared: the next test's app starts afresh


def _person(email: str):
    person = f.make_user("team_manager", f.make_team(f.make_agency(f.make_partnership())),
                         email=email)
    db.session.commit()
    return person


def test_the_right_password_signs_in_while_redis_is_down(down):
    _person("tm@example.test")
    client = down.test_client()
    answer = sign_in(client, "tm@example.test")
    assert answer.status_code == 302 and answer.headers["Location"] == "/"
    assert client.get("/").status_code == 200
    assert [e.event for e in events("login_succeeded")] == ["login_succeeded"]


def test_the_per_address_limit_still_counts_in_memory_while_redis_is_down(down):
    down.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    _person("tm@example.test")
    client = down.test_client()
    answers = [sign_in(client, "tm@example.test", WRONG).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]


def test_ten_wrong_passwords_still_lock_the_account_while_redis_is_down(down):
    person = _person("tm@example.test")
    client = down.test_client()
    for _ in range(10):
        answer = sign_in(client, person.email, WRONG)
        assert answer.status_code == 200 and GENERIC in answer.text
    assert fresh(person).locked_until is not None
    assert len(events("login_locked")) == 1

    refused = sign_in(client, person.email)  # the right password, while locked
    assert refused.status_code == 200 and GENERIC in refused.text
    assert client.get("/").status_code == 302  # no session was started
    assert events("login_succeeded") == []
