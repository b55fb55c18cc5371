"""Who may open what: scoping in the queries, 404 for anyone outside, nothing when disabled."""

from __future__ import annotations

import re

import pytest

from core.extensions import db
from plugins.single_agency import cycles, disputes
from plugins.single_agency.models import MakeADifference, SafetyAlert
from tests.plugins.single_agency.helpers import complete
from tests.support import factories as f

pytestmark = pytest.mark.plugins("single_agency")


@pytest.fixture
def audit(programme, cases, council, rng):
    cycle, _ = cycles.draw_monthly(programme, 2026, 3, rng)
    audit = next(a for a in cycle.audits if a.team_id == council.team_a.id)
    cycles.set_auditor(audit, council.tm_care)
    cycles.send(cycle, council.qa)
    db.session.commit()
    return audit


def test_a_partner_agency_user_and_a_practitioner_from_another_team_get_404(
        login, audit, council, world):
    path = f"/single_agency/audits/{audit.id}"
    assert login(council.police).get(path).status_code == 404
    assert login(council.sw_safe).get(path).status_code == 404
    assert login(world.tm_c).get(path).status_code == 404


def test_the_practitioner_their_team_manager_the_auditor_and_the_qa_team_may_open_it(
        login, audit, council):
    path = f"/single_agency/audits/{audit.id}"
    for person in (council.practitioner_a, council.tm_a, council.tm_care, council.qa,
                   council.sm, council.psw):
        assert login(person).get(path).status_code == 200, person.email


def test_another_teams_manager_cannot_open_or_change_it(login, audit, council):
    client = login(council.tm_safe)
    for page in ("", "/file-review", "/summary", "/safety"):
        assert client.get(f"/single_agency/audits/{audit.id}{page}").status_code == 404
    assert client.post(f"/single_agency/audits/{audit.id}/summary",
                       data={"version": audit.version, "strengths": "x"}).status_code == 404


def test_proposed_allocations_stay_with_the_qa_team_until_sent(
        login, programme, cases, council, rng):
    cycle, _ = cycles.draw_monthly(programme, 2026, 3, rng)
    db.session.commit()
    proposed = next(a for a in cycle.audits if a.team_id == council.team_a.id)
    assert login(council.practitioner_a).get(
        f"/single_agency/audits/{proposed.id}").status_code == 404
    assert login(council.qa).get(f"/single_agency/audits/{proposed.id}").status_code == 200
    assert login(council.tm_a).get(f"/single_agency/cycles/{cycle.id}").status_code == 403


def test_a_dispute_and_an_alert_are_as_private_as_their_audit(
        login, audit, council, rng, frozen):
    complete(audit, council.qa, rng, "requires_improvement")
    dispute = disputes.raise_dispute(audit, council.practitioner_a,
                                     "The planning grade ignores the January review.")
    alert = SafetyAlert(audit_id=audit.id, partnership_id=audit.partnership_id,
                        agency_id=audit.agency_id, team_id=audit.team_id, reason="child_safety")
    db.session.add(alert)
    db.session.commit()
    for person in (council.police, council.sw_safe):
        client = login(person)
        assert client.get(f"/single_agency/disputes/{dispute.id}").status_code == 404
        assert client.get(f"/single_agency/alerts/{alert.id}").status_code == 404
    assert login(council.tm_a).get(f"/single_agency/disputes/{dispute.id}").status_code == 200


@pytest.fixture
def objects(audit, council, rng, frozen):
    """The audit accepted and disputed, with a safety alert: one object of every kind."""
    complete(audit, council.qa, rng, "requires_improvement")
    dispute = disputes.raise_dispute(audit, council.practitioner_a,
                                     "The planning grade ignores the January review.")
    alert = SafetyAlert(audit_id=audit.id, partnership_id=audit.partnership_id,
                        agency_id=audit.agency_id, team_id=audit.team_id, reason="child_safety")
    summary = MakeADifference(audit_id=audit.id, partnership_id=audit.partnership_id,
                              agency_id=audit.agency_id, team_id=audit.team_id,
                              summary="What made a difference: direct work with the child.")
    db.session.add_all([alert, summary])
    db.session.commit()
    return {"audit_id": audit.id, "cycle_id": audit.cycle_id, "agency_id": audit.agency_id,
            "dispute_id": dispute.id, "alert_id": alert.id, "action_id": "abc",
            "summary_id": summary.id}


@pytest.mark.parametrize("who", ["other partnership", "partner agency", "other team"])
def test_every_route_refuses_people_outside_the_audit(app, login, audit, objects, council,
                                                      world, who):
    """Each walks every route aimed at agency A's objects: 403 or 404, never A's data."""
    person = {"other partnership": world.tm_c, "partner agency": council.police,
              "other team": council.sw_safe}[who]
    client = login(person)
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("single_agency."):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(objects[m.group(1)]), rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = client.open(path, method=method)
            if rule.arguments:
                assert response.status_code in (403, 404), (method, path, response.status_code)
            else:  # a list or a form of one's own: it shows nothing of agency A's audits
                assert response.status_code < 500 and audit.reference not in response.text


@pytest.mark.plugins()
def test_without_the_plugin_every_route_is_gone(login, world):
    client = login(f.make_user("qa_manager", world.a))
    assert client.get("/single_agency/").status_code == 404
    assert client.get("/single_agency/cycles").status_code == 404
    assert "Case file audits" not in client.get("/").text
