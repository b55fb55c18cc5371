"""Only the LADO, the LADO's manager, the partnership coordinator and the referral's auditors
open a referral; everyone else gets 403 (no LADO role at all) or 404 (not theirs)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.accesslog.models import AccessLogEntry
from core.extensions import db
from plugins.lado import audits

pytestmark = pytest.mark.plugins("lado")


def _entries(action: str, reference: str) -> list[AccessLogEntry]:
    return list(db.session.scalars(select(AccessLogEntry).where(
        AccessLogEntry.action == action, AccessLogEntry.object_code == reference)))


@pytest.mark.parametrize("who", ["lado", "manager"])
def test_the_lado_and_the_lados_manager_open_a_referral(login, people, referral, who):
    page = login(getattr(people, who)).get(f"/lado/referrals/{referral.reference}")
    assert page.status_code == 200
    assert referral.reference in page.text


def test_the_partnership_coordinator_opens_a_referral_but_cannot_reveal(login, world,
                                                                         referral):
    client = login(world.coordinator)
    assert client.get(f"/lado/referrals/{referral.reference}").status_code == 200
    assert client.get(f"/lado/referrals/{referral.reference}/reveal").status_code == 403


@pytest.mark.parametrize(("who", "status"), [
    ("tm_a", 404),            # a manager, but not the LADO's
    ("tm_c", 404),            # another partnership
    ("practitioner_a", 403),  # no LADO permission at all
    ("admin", 403),           # platform admins are not given LADO data
])
def test_others_cannot_open_a_referral(login, world, people, referral, who, status):
    client = login(getattr(world, who))
    assert client.get(f"/lado/referrals/{referral.reference}").status_code == status
    listing = client.get("/lado/")
    assert referral.reference not in listing.text


@pytest.mark.parametrize("who", ["lado_c", "qa", "board"])
def test_lados_elsewhere_unallocated_auditors_and_board_members_cannot_open_it(
        login, people, referral, who):
    status = login(getattr(people, who)).get(f"/lado/referrals/{referral.reference}")
    assert status.status_code in (403, 404)


def test_an_auditor_opens_the_referral_only_once_allocated(login, world, people, referral):
    client = login(people.qa)
    assert client.get(f"/lado/referrals/{referral.reference}").status_code == 404
    audits.start_ad_hoc(referral, people.qa.id, "Complaint about the handling", world.coordinator)
    db.session.commit()
    assert client.get(f"/lado/referrals/{referral.reference}").status_code == 200
    assert client.get(f"/lado/referrals/{referral.reference}/reveal").status_code == 200


def test_every_opening_and_refusal_is_in_the_access_log(login, world, people, referral):
    login(people.lado).get(f"/lado/referrals/{referral.reference}")
    login(world.tm_a).get(f"/lado/referrals/{referral.reference}")
    viewed = _entries("lado_referral_viewed", referral.reference)
    refused = _entries("lado_referral_refused", referral.reference)
    assert [e.user_id for e in viewed] == [people.lado.id]
    assert [e.user_id for e in refused] == [world.tm_a.id]


def test_revealing_needs_a_reason_and_each_reveal_and_showing_is_logged(login, people,
                                                                        referral):
    from tests.plugins.lado.conftest import CANARY_EMPLOYER, CANARY_ROLE

    client = login(people.lado)
    page = client.get(f"/lado/referrals/{referral.reference}").text
    assert CANARY_ROLE not in page
    refused = client.post(f"/lado/referrals/{referral.reference}/reveal", data={})
    assert refused.status_code == 400
    assert "Select why you need to see who this adult is" in refused.text
    done = client.post(f"/lado/referrals/{referral.reference}/reveal",
                       data={"reason": "auditing"})
    assert done.status_code == 302
    page = client.get(f"/lado/referrals/{referral.reference}").text
    assert CANARY_ROLE in page and CANARY_EMPLOYER in page
    assert len(_entries("lado_identity_revealed", referral.reference)) == 1
    assert len(_entries("lado_identity_viewed", referral.reference)) == 1


def test_the_lados_manager_cannot_reveal_the_adult(login, people, referral):
    client = login(people.manager)
    assert client.get(f"/lado/referrals/{referral.reference}/reveal").status_code == 403
    assert _entries("lado_reveal_refused", referral.reference)


def test_the_register_lists_only_what_the_person_may_open(login, world, people, referral):
    from tests.plugins.lado.conftest import record

    theirs = record(world, people.lado, sector="sport")
    assert referral.reference in login(people.manager).get("/lado/").text
    assert theirs.reference in login(world.coordinator).get("/lado/").text
    assert "There are no referrals" in login(world.tm_a).get("/lado/").text
    assert login(world.practitioner_a).get("/lado/").status_code == 403


def test_the_lado_may_reveal_the_identity_of_a_child_in_their_referral(world, people):
    from core.cases.reveal import may_reveal
    from core.cases.service import register_case
    from tests.plugins.lado.conftest import record

    case = register_case(world.p1, world.a, {"name": "Child Two", "date_of_birth": "2013-03-03",
                                             "record_id": "R-LADO-2"},
                         {"cohort": "child_in_need"}, by=None)
    db.session.commit()
    assert not may_reveal(people.lado, case)  # not yet in any referral of theirs
    record(world, people.lado, children=case.code)
    assert may_reveal(people.lado, case)  # through the qa_may_reveal_identity hook
    assert not may_reveal(people.manager, case)
    assert not may_reveal(people.lado_c, case)


def test_every_page_that_opens_a_referral_names_itself_in_the_access_log(login, world, people,
                                                                         referral):
    client = login(people.lado)
    for path in ("", "/edit", "/reveal"):
        assert client.get(f"/lado/referrals/{referral.reference}{path}").status_code == 200
    assert login(world.coordinator).get(
        f"/lado/referrals/{referral.reference}/audit").status_code == 200
    viewed = [(e.user_id, e.detail) for e in _entries("lado_referral_viewed", referral.reference)]
    assert viewed == [(people.lado.id, "page: referral"), (people.lado.id, "page: edit"),
                      (people.lado.id, "page: reveal"),
                      (world.coordinator.id, "page: ad hoc audit")]


def test_a_referral_shown_in_a_list_is_logged_against_it(login, world, people, referral):
    from tests.plugins.lado.conftest import record

    other = record(world, people.lado, sector="sport")
    assert login(people.manager).get("/lado/").status_code == 200
    listed = {(e.object_code, e.user_id, e.detail)
              for e in db.session.scalars(select(AccessLogEntry).where(
                  AccessLogEntry.action == "lado_referral_listed"))}
    assert listed == {(referral.reference, people.manager.id, "register"),
                      (other.reference, people.manager.id, "register")}
    audit = audits.start_ad_hoc(referral, people.qa.id, "Complaint about the handling",
                                world.coordinator)
    db.session.commit()
    page = login(people.qa).get("/lado/audits/")
    assert audit.reference in page.text and referral.reference in page.text
    assert [(e.user_id, e.detail) for e in _entries("lado_referral_listed", referral.reference)
            if e.user_id == people.qa.id] == [(people.qa.id, "audit list")]
    assert [e.user_id for e in _entries("lado_referral_listed", other.reference)] == [
        people.manager.id]


def test_an_auditors_reveal_ends_when_the_audit_is_completed(login, world, people, referral,
                                                             frozen):
    from tests.plugins.lado.conftest import CANARY_ROLE
    from tests.plugins.lado.test_audits import graded_form

    audit = audits.start_ad_hoc(referral, people.qa.id, "Complaint about the handling",
                                world.coordinator)
    db.session.commit()
    client = login(people.qa)
    assert client.post(f"/lado/referrals/{referral.reference}/reveal",
                       data={"reason": "auditing"}).status_code == 302
    assert CANARY_ROLE in client.get(f"/lado/referrals/{referral.reference}").text
    assert client.post(f"/lado/audits/{audit.reference}",
                       data=graded_form(audit)).status_code == 302
    page = client.get(f"/lado/referrals/{referral.reference}")
    assert page.status_code == 200 and CANARY_ROLE not in page.text  # still open, coded
    assert client.get(f"/lado/referrals/{referral.reference}/reveal").status_code == 403
    assert _entries("lado_reveal_refused", referral.reference)[-1].user_id == people.qa.id


def test_a_reveal_lasts_only_its_minutes(login, people, referral, frozen):
    from datetime import timedelta

    from tests.plugins.lado.conftest import CANARY_ROLE

    client = login(people.lado)
    client.post(f"/lado/referrals/{referral.reference}/reveal", data={"reason": "auditing"})
    frozen.now += timedelta(minutes=14)
    assert CANARY_ROLE in client.get(f"/lado/referrals/{referral.reference}").text
    frozen.now += timedelta(minutes=2)
    assert CANARY_ROLE not in client.get(f"/lado/referrals/{referral.reference}").text
    assert len(_entries("lado_identity_viewed", referral.reference)) == 1
