"""The promise an information-governance officer tests first: once cases are coded, a child's
identity is nowhere it should not be. Not in the database file or a dump of it, not in any page
shown to someone without need to know, and not in any log line. Nor is anyone's password in
plain text (SECURITY.md row 1): only its Argon2id hash is stored."""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import make_url, select

from core.cases.models import Case
from core.cases.service import register_case
from core.extensions import db
from tests.core.auth.helpers import sign_in
from tests.core.cases.conftest import (
    CANARIES,
    CANARY_NAME,
    CANARY_NHS,
    CANARY_REF,
    attributes,
    identity,
    leaks,
)
from tests.support import factories as f

# A person's real password, and a wrong guess at it: neither may be stored or logged anywhere.
PASSWORDS = ("ZZCANARY-PASSWORD quarrel lighthouse 47", "ZZCANARY-GUESS lantern orchard 58")


def _canary_form(world) -> dict:
    return {"partnership": str(world.p1.id), "agency": str(world.a.id), "name": CANARY_NAME,
            "dob_day": "1", "dob_month": "1", "dob_year": "2011", "record_id": CANARY_REF,
            "nhs_number": CANARY_NHS, "alias": "ZZCANARY-ALIAS", "cohort": "child_in_need",
            "sex": "female", "ethnicity": "WBRI", "disability": "", "team": str(world.team_a.id)}


@pytest.fixture
def journey(world, login, caplog):
    """Code canary cases (page and import path), try a duplicate, reveal and view as the
    coordinator; everything logged at DEBUG is captured from here on."""
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="sqlalchemy.engine")  # statements and parameters
    client = login(world.coordinator)
    assert client.post("/cases/new", data=_canary_form(world)).status_code == 302
    duplicate = client.post("/cases/new", data=_canary_form(world))
    assert duplicate.status_code == 400
    register_case(world.p1, world.a, identity(record_id="ZZREF-0002"), attributes(), by=None)
    db.session.commit()
    case = db.session.scalar(select(Case).where(Case.created_by_id == world.coordinator.id))
    assert client.post(f"/cases/{case.code}/reveal", data={
        "reason": "other", "reason_text": "checking the coding journey"}).status_code == 302
    shown = client.get(f"/cases/{case.code}").text
    assert CANARY_NAME in shown and CANARY_REF in shown  # the coordinator does see it
    return case


@pytest.fixture
def password_journey(app):
    """A person signs in through the form after one wrong guess; both passwords are canaries."""
    person = f.make_user("team_manager", f.make_team(f.make_agency(f.make_partnership())),
                         email="canary.person@example.test", password=PASSWORDS[0])
    db.session.commit()
    client = app.test_client()
    assert sign_in(client, person.email, PASSWORDS[1]).status_code == 200
    assert sign_in(client, person.email, PASSWORDS[0]).headers["Location"] == "/"
    return person


def _sqlite_bytes(uri: str) -> bytes:
    path = Path(make_url(uri).database)
    files = [path, *path.parent.glob(path.name + "-*")]  # any journal or WAL beside it
    return b"".join(f.read_bytes() for f in files if f.exists())


def _pg_dump(uri: str) -> bytes:
    url = make_url(uri).set(drivername="postgresql").render_as_string(hide_password=False)
    done = subprocess.run(["pg_dump", "--no-owner", "--dbname", url], capture_output=True,
                          check=True, timeout=120)
    return done.stdout


def test_no_canary_is_stored_in_the_database(app, journey, password_journey):
    """SQLite runs read the database file's raw bytes; PostgreSQL runs read a full pg_dump."""
    code, stored_hash = journey.code, password_journey.password_hash
    db.session.commit()
    db.session.close()
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    stored = _sqlite_bytes(uri) if db.engine.dialect.name == "sqlite" else _pg_dump(uri)
    assert code.encode() in stored  # the data under test is really in what was read
    assert stored_hash.startswith("$argon2id$") and stored_hash.encode() in stored
    assert [c for c in CANARIES if c.encode() in stored] == []
    assert [p for p in PASSWORDS if p.encode() in stored] == []


@pytest.mark.parametrize("who", ["tm_a", "tm_b", "tm_c"])
def test_people_without_need_to_know_never_see_identity(world, journey, login, who):
    """A team manager of the owning agency, a partner agency (police) and another partnership."""
    client = login(getattr(world, who))
    bodies = {path: client.get(path) for path in (
        "/cases/", f"/cases/{journey.code}", f"/cases/{journey.code}/reveal",
        f"/cases/{journey.code}/identity", f"/cases/{journey.code}/withheld")}
    for path, response in bodies.items():
        assert leaks(response.text) == [], path
    if who == "tm_a":
        assert bodies[f"/cases/{journey.code}"].status_code == 200
        assert bodies[f"/cases/{journey.code}/reveal"].status_code == 403
    else:
        assert bodies[f"/cases/{journey.code}"].status_code == 404
        assert bodies[f"/cases/{journey.code}/reveal"].status_code == 404


def test_nothing_logged_during_the_journey_contains_a_canary(world, journey, login, caplog,
                                                              password_journey):
    for user in (world.tm_a, world.tm_b, world.tm_c):  # refusals and 404s are logged too
        login(user).get(f"/cases/{journey.code}/reveal")
    records = caplog.get_records("setup") + caplog.get_records("call")
    assert any(r.name.startswith("sqlalchemy.engine") for r in records), (
        "SQL statements and their parameters should have been captured too")
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    lines = [formatter.format(r) + repr(r.args) for r in records]
    assert [c for c in (*CANARIES, *PASSWORDS) if any(c in line for line in lines)] == []
