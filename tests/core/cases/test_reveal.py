"""Who may reveal a child's identity, for what reason, for how long, and what is logged."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from core.accesslog.chain import verify
from core.accesslog.models import AccessLogEntry
from core.cases import reveal as reveal_module
from core.cases.models import Case, Reveal
from core.cases.reveal import (
    IdentityUnavailable,
    RevealInvalid,
    RevealRefused,
    may_reveal,
    reveal,
)
from core.cases.service import assign_to_case, close_assignment
from core.crypto import envelope
from core.extensions import db
from tests.core.cases.conftest import CANARY_NAME, CANARY_REF, leaks
from tests.fixtures.plugins.example import views as example_views
from tests.support.factories import make_user


def _without_nonce(page: str) -> str:
    return re.sub(r'nonce="[^"]*"', "", page)


def _entries(action: str) -> list[AccessLogEntry]:
    return list(db.session.scalars(
        select(AccessLogEntry).where(AccessLogEntry.action == action).order_by(AccessLogEntry.id)))


def _refused(case, user) -> None:
    """Asking to reveal raises, and the refusal is in the access log under this person."""
    assert not may_reveal(user, case)
    with pytest.raises(RevealRefused):
        reveal(case, user, "auditing", "")
    db.session.commit()
    refusals = _entries("identity_reveal_refused")
    assert refusals and refusals[-1].user_id == user.id
    assert refusals[-1].object_code == case.code
    assert not _entries("identity_revealed")


def test_the_coordinator_may_reveal_and_the_reveal_is_logged_with_the_reason(world, canary_case):
    shown = reveal(canary_case, world.coordinator, "duplicate", "checking NB-XXXX")
    db.session.commit()
    assert shown["name"] == CANARY_NAME and shown["record_id"] == CANARY_REF
    (entry,) = _entries("identity_revealed")
    assert entry.user_id == world.coordinator.id and entry.object_code == canary_case.code
    assert entry.detail == "reason: duplicate; checking NB-XXXX"
    assert not leaks(entry.detail)
    live = db.session.scalar(select(Reveal))
    assert live.expires_at - live.created_at == timedelta(minutes=15)


def test_an_auditor_with_an_open_assignment_may_reveal(world, canary_case, auditor):
    assert not may_reveal(auditor, canary_case)
    assign_to_case(auditor, canary_case, "audits", "NB-AUD-1", by=world.coordinator)
    assert reveal(canary_case, auditor, "auditing")["name"] == CANARY_NAME


def test_a_team_manager_is_refused_and_the_refusal_logged(world, canary_case):
    _refused(canary_case, world.tm_a)


def test_a_partner_agency_user_is_refused_and_the_refusal_logged(world, canary_case):
    _refused(canary_case, world.tm_b)


def test_an_auditor_whose_audit_closed_is_refused_and_the_refusal_logged(
        world, canary_case, auditor):
    assign_to_case(auditor, canary_case, "audits", "NB-AUD-1")
    close_assignment(auditor, canary_case, "audits", "NB-AUD-1")
    _refused(canary_case, auditor)


def test_the_coordinator_of_another_partnership_is_refused(world, canary_case):
    other = make_user("partnership_coordinator", world.p2, email="coord2@example.test")
    _refused(canary_case, other)


def test_a_plugin_may_allow_more_people_through_the_hook(world, canary_case, monkeypatch):
    """The example plugin's `qa_may_reveal_identity` allows REVEALERS on "example" cases."""
    monkeypatch.setattr(example_views, "REVEALERS", {world.practitioner_a.email})
    assert not may_reveal(world.practitioner_a, canary_case)  # not an "example" case
    canary_case.cohort = "example"
    assert may_reveal(world.practitioner_a, canary_case)
    assert not may_reveal(world.tm_a, canary_case)
    assert reveal(canary_case, world.practitioner_a, "safeguarding")["name"] == CANARY_NAME


def test_nobody_may_reveal_a_destroyed_case(world, canary_case):
    canary_case.destroyed_at = datetime(2026, 1, 1, tzinfo=UTC)
    _refused(canary_case, world.coordinator)


def test_a_reveal_without_a_reason_is_refused_naming_the_reason_field(world, canary_case):
    with pytest.raises(RevealInvalid) as caught:
        reveal(canary_case, world.coordinator, None, "")
    assert set(caught.value.errors) == {"reason"}
    with pytest.raises(RevealInvalid) as caught:
        reveal(canary_case, world.coordinator, "other", "because")
    assert set(caught.value.errors) == {"reason_text"}
    assert db.session.scalar(select(Reveal)) is None and not _entries("identity_revealed")
    assert reveal(canary_case, world.coordinator, "other", "board asked for a check")


def test_the_reveal_page_without_a_reason_answers_400_with_the_error_on_the_field(
        world, canary_case, login):
    page = login(world.coordinator).post(f"/cases/{canary_case.code}/reveal", data={})
    assert page.status_code == 400
    assert 'href="#reason"' in page.text and "Select why you need to see" in page.text
    assert not leaks(page.text)


def test_a_revealed_identity_shows_on_the_case_page_until_it_expires(
        world, canary_case, login, monkeypatch, app):
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    clock = {"now": start}
    monkeypatch.setattr(reveal_module, "utcnow", lambda: clock["now"])
    app.config["REVEAL_MINUTES"] = 10
    client = login(world.coordinator)
    before = client.get(f"/cases/{canary_case.code}").text
    assert CANARY_NAME not in before and "Reveal identity" in before
    posted = client.post(f"/cases/{canary_case.code}/reveal", data={"reason": "auditing"})
    assert posted.status_code == 302 and posted.headers["Location"].endswith("#identity")
    clock["now"] = start + timedelta(minutes=9)
    during = client.get(f"/cases/{canary_case.code}").text
    assert CANARY_NAME in during and CANARY_REF in during and "1 January 2011" in during
    assert "OFFICIAL-SENSITIVE" in during
    clock["now"] = start + timedelta(minutes=10, seconds=1)
    after = client.get(f"/cases/{canary_case.code}").text
    assert not leaks(after)
    db.session.expire_all()
    assert len(_entries("identity_revealed")) == 1 and len(_entries("identity_viewed")) == 1
    assert verify().ok


def test_closing_the_assignment_stops_a_live_reveal_showing(world, canary_case, auditor, login):
    assign_to_case(auditor, canary_case, "audits", "NB-AUD-1")
    db.session.commit()
    client = login(auditor)
    client.post(f"/cases/{canary_case.code}/reveal", data={"reason": "auditing"})
    assert CANARY_NAME in client.get(f"/cases/{canary_case.code}").text
    close_assignment(auditor, db.session.get(Case, canary_case.id), "audits")
    db.session.commit()
    assert not leaks(client.get(f"/cases/{canary_case.code}").text)


def test_people_who_see_the_case_but_may_not_reveal_are_told_and_logged(
        world, canary_case, login):
    page = login(world.tm_a).get(f"/cases/{canary_case.code}/reveal")
    assert page.status_code == 403 and "You cannot see this child&#39;s identity" in page.text
    posted = login(world.tm_a).post(f"/cases/{canary_case.code}/reveal",
                                    data={"reason": "auditing"})
    assert posted.status_code == 403
    db.session.expire_all()
    assert [e.user_id for e in _entries("identity_reveal_refused")] == [world.tm_a.id] * 2
    assert "Reveal identity" not in login(world.tm_a).get(f"/cases/{canary_case.code}").text


def test_outsiders_get_the_same_404_as_for_a_code_that_does_not_exist(
        world, canary_case, login):
    client = login(world.tm_c)
    real = client.get(f"/cases/{canary_case.code}/reveal")
    missing = client.get("/cases/NB-777777-A/reveal")
    assert real.status_code == missing.status_code == 404
    assert _without_nonce(real.text) == _without_nonce(missing.text)
    db.session.expire_all()
    assert [e.user_id for e in _entries("identity_reveal_refused")] == [world.tm_c.id]


def test_an_identity_that_cannot_be_decrypted_shows_unavailable_and_is_logged(
        world, canary_case, login, app):
    app.config["MASTER_KEY"] = "a-different-master-key"
    envelope.clear_cache()
    with pytest.raises(IdentityUnavailable):
        reveal(canary_case, world.coordinator, "auditing")
    db.session.commit()
    page = login(world.coordinator).post(f"/cases/{canary_case.code}/reveal",
                                         data={"reason": "auditing"})
    assert page.status_code == 503 and "Identity unavailable" in page.text
    db.session.expire_all()
    assert len(_entries("identity_unavailable")) == 2 and not _entries("identity_revealed")
    assert db.session.scalar(select(Reveal)) is None


def test_a_live_reveal_whose_key_goes_missing_shows_unavailable_not_an_error(
        world, canary_case, login, app):
    client = login(world.coordinator)
    client.post(f"/cases/{canary_case.code}/reveal", data={"reason": "auditing"})
    app.config["MASTER_KEY"] = "a-different-master-key"
    envelope.clear_cache()
    page = client.get(f"/cases/{canary_case.code}")
    assert page.status_code == 200 and "Identity unavailable" in page.text
    assert not leaks(page.text)
    db.session.expire_all()
    assert _entries("identity_unavailable")
