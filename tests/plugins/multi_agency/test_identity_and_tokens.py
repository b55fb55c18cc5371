"""Identity behind a case code is revealed only to the coordinator and the group's cleared
auditors, through core's reveal (reason given, logged); the API never carries it; and API tokens
that are revoked, of a person who left the agency, of another agency or of someone who is not
the agency's auditor are refused. The API is rate limited like every core API call."""

from __future__ import annotations

from sqlalchemy import func, select

from core.accesslog.models import AccessLogEntry
from core.api.tokens import issue
from core.extensions import db
from core.identity.models import Membership
from plugins.multi_agency import lifecycle
from plugins.multi_agency.clock import london_today
from plugins.multi_agency.models import MultiAgencyReturn
from tests.plugins.multi_agency.conftest import bearer, body, start
from tests.support import factories as f

CANARIES = ("ZZCANARY", "2011-01-01", "ZZREF")


def _reveal(client, code: str):
    return client.post(f"/cases/{code}/reveal", data={"reason": "auditing"})


def _log(action: str, code: str) -> list[AccessLogEntry]:
    return list(db.session.scalars(select(AccessLogEntry).where(
        AccessLogEntry.action == action, AccessLogEntry.object_code == code)))


def _returns() -> int:
    return db.session.scalar(select(func.count(MultiAgencyReturn.id)))


def test_a_cleared_auditor_reveals_identity_with_a_reason_and_it_is_logged(audit, ma, login):
    start(audit, ma)
    canary = audit.cases[0]
    client = login(ma.lead_b)
    assert _reveal(client, canary.code).status_code == 302
    assert "ZZCANARY-NAME" in client.get(f"/cases/{canary.code}").text
    entries = _log("identity_revealed", canary.code)
    assert [(e.user_id, e.detail) for e in entries] == [(ma.lead_b.id, "reason: auditing")]
    assert all("ZZCANARY" not in (e.detail or "") for e in db.session.scalars(
        select(AccessLogEntry)))


def test_the_coordinator_may_reveal_but_nobody_else_in_the_agencies(audit, ma, login):
    start(audit, ma)
    canary = audit.cases[0]
    assert _reveal(login(ma.coordinator), canary.code).status_code == 302
    colleague = f.make_user("agency_lead_auditor", ma.b, email="colleague.b@example.test")
    hos_b = f.make_user("head_of_service", ma.b, email="hos.b@example.test")
    db.session.commit()
    for person in (colleague, hos_b, ma.spare_b):
        answer = _reveal(login(person), canary.code)
        assert answer.status_code in (403, 404), person.email
        assert not any(c in answer.text for c in CANARIES)
    refused = {e.user_id for e in _log("identity_reveal_refused", canary.code)}
    assert {colleague.id, hos_b.id, ma.spare_b.id} <= refused


def test_no_auditor_may_reveal_before_auditing_starts(audit, ma, login):
    for lead in (ma.lead_a, ma.lead_b, ma.lead_h):  # declared, but the audit is in planning
        answer = _reveal(login(lead), audit.cases[0].code)
        assert answer.status_code in (403, 404)
        assert "ZZCANARY" not in answer.text


def test_the_api_never_carries_identity_at_any_stage(client, audit, ma, tokens):
    start(audit, ma)
    canary = audit.cases[0]
    ref = audit.reference
    paths = ["/api/v1/multi-agency/cases", f"/api/v1/multi-agency/audits/{ref}/returns",
             f"/api/v1/multi-agency/audits/{ref}/tool",
             f"/api/v1/multi-agency/audits/{ref}/cases/{canary.code}/return"]
    posted = client.post(paths[-1], json=body("police", submit=True),
                         headers=bearer(tokens.lead_b, key="canary-1"))
    assert posted.status_code == 201
    lifecycle.record_consultation(audit, london_today(), london_today(), ma.coordinator)
    db.session.commit()
    for path in paths:
        answer = client.get(path, headers=bearer(tokens.lead_b))
        assert answer.status_code == 200, path
        assert not any(c in answer.text for c in CANARIES), path
    assert not any(c in posted.text for c in CANARIES)


def test_a_token_of_someone_who_left_the_agency_gets_401(client, audit, ma, tokens):
    start(audit, ma)
    db.session.execute(db.delete(Membership).where(Membership.user_id == ma.lead_b.id))
    db.session.commit()
    path = f"/api/v1/multi-agency/audits/{audit.reference}/cases/{audit.cases[1].code}/return"
    assert client.get("/api/v1/multi-agency/cases",
                      headers=bearer(tokens.lead_b)).status_code == 401
    answer = client.post(path, json=body("police"), headers=bearer(tokens.lead_b, key="l-1"))
    assert answer.status_code == 401
    assert _returns() == 0


def test_a_token_made_for_another_agency_than_the_persons_gets_401(client, audit, ma):
    start(audit, ma)
    _, text = issue(ma.lead_a, ma.b, "borrowed", 5)  # a council auditor, as police
    db.session.commit()
    path = f"/api/v1/multi-agency/audits/{audit.reference}/cases/{audit.cases[1].code}/return"
    assert client.get("/api/v1/multi-agency/cases", headers=bearer(text)).status_code == 401
    assert client.post(path, json=body("police"),
                       headers=bearer(text, key="o-1")).status_code == 401
    assert _returns() == 0


def test_an_auditor_of_the_agency_who_is_not_its_lead_auditor_gets_403(client, audit, ma):
    start(audit, ma)
    _, text = issue(ma.spare_b, ma.b, "spare", 5)
    db.session.commit()
    path = f"/api/v1/multi-agency/audits/{audit.reference}/cases/{audit.cases[1].code}/return"
    answer = client.post(path, json=body("police", submit=True),
                         headers=bearer(text, key="sp-1"))
    assert answer.status_code == 403
    assert "not this agency's auditor" in answer.get_json()["detail"]
    assert _returns() == 0


def test_calls_beyond_the_rate_limit_get_429(make_app, audit, ma, tokens):
    limited = make_app(RATELIMIT_ENABLED=True, API_RATE_LIMIT="3 per minute")
    client = limited.test_client()
    with limited.app_context():
        answers = [client.get("/api/v1/multi-agency/cases",
                              headers=bearer(tokens.lead_b)).status_code for _ in range(4)]
        assert answers == [200, 200, 200, 429]
        assert client.get("/api/v1/multi-agency/cases",
                          headers=bearer(tokens.lead_h)).status_code == 200
