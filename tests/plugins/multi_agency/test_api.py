"""The partner API: scoped to the token's agency, idempotent, and answering problems that
name each bad field."""

from __future__ import annotations

from sqlalchemy import func, select

from core.api.models import ApiCall, ApiToken
from core.api.tokens import issue
from core.cases.models import WithheldInformation
from core.extensions import db
from core.timeutil import utcnow
from plugins.multi_agency.models import MultiAgencyReturn
from tests.plugins.multi_agency.conftest import bearer, body, start


def _returns() -> int:
    return db.session.scalar(select(func.count(MultiAgencyReturn.id)))


def _path(audit, selected) -> str:
    return f"/api/v1/multi-agency/audits/{audit.reference}/cases/{selected.code}/return"


def test_my_cases_are_listed_by_code_with_their_status(client, audit, ma, tokens):
    start(audit, ma)
    answer = client.get("/api/v1/multi-agency/cases", headers=bearer(tokens.lead_b))
    assert answer.status_code == 200
    rows = answer.get_json()
    assert [r["case"] for r in rows] == [c.code for c in audit.cases]
    assert {r["return_status"] for r in rows} == {"not_started"}
    assert {r["agency"] for r in rows} == {"Northbrook Police"}
    assert "ZZCANARY" not in answer.text and "ZZREF" not in answer.text


def test_the_tool_is_the_shared_core_and_the_agencys_section(client, audit, ma, tokens):
    answer = client.get(f"/api/v1/multi-agency/audits/{audit.reference}/tool",
                        headers=bearer(tokens.lead_b)).get_json()
    assert answer["core"]["key"] == "multi_agency.shared_core"
    assert answer["section"]["key"] == "multi_agency.police"
    assert [d["code"] for d in answer["section"]["domains"]] == ["POLICE"]


def test_a_retried_post_creates_nothing_twice(client, audit, ma, tokens):
    start(audit, ma)
    selected = audit.cases[1]
    payload = body("police", submit=True,
                   withheld=[{"basis": "significant_harm", "decided_by": "DI, PPU"}])
    headers = bearer(tokens.lead_b, key="police-upload-0001")
    first = client.post(_path(audit, selected), json=payload, headers=headers)
    again = client.post(_path(audit, selected), json=payload, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert first.get_json() == again.get_json()
    assert first.get_json()["status"] == "submitted"
    assert _returns() == 1
    assert db.session.scalar(select(func.count(WithheldInformation.id))) == 1


def test_a_draft_is_updated_by_a_second_post_and_then_submitted(client, audit, ma, tokens):
    start(audit, ma)
    selected = audit.cases[1]
    draft = client.post(_path(audit, selected), json={"evidence": "Reading the file."},
                        headers=bearer(tokens.lead_b, key="d-1"))
    assert draft.status_code == 201 and draft.get_json()["status"] == "draft"
    done = client.post(_path(audit, selected),
                       json=body("police", submit=True, version=draft.get_json()["version"]),
                       headers=bearer(tokens.lead_b, key="d-2"))
    assert done.status_code == 200 and done.get_json()["status"] == "submitted"
    statuses = client.get(f"/api/v1/multi-agency/audits/{audit.reference}/returns",
                          headers=bearer(tokens.lead_b)).get_json()
    assert {s["case"]: s["status"] for s in statuses}[selected.code] == "submitted"
    assert _returns() == 1
    resubmit = client.post(_path(audit, selected), json=body("police"),
                           headers=bearer(tokens.lead_b, key="d-3"))
    assert resubmit.status_code == 409


def test_a_stale_version_is_refused_with_409(client, audit, ma, tokens):
    start(audit, ma)
    selected = audit.cases[1]
    client.post(_path(audit, selected), json={"evidence": "one"},
                headers=bearer(tokens.lead_b, key="s-1"))
    client.post(_path(audit, selected), json={"evidence": "two"},
                headers=bearer(tokens.lead_b, key="s-2"))
    stale = client.post(_path(audit, selected), json={"evidence": "three", "version": 1},
                        headers=bearer(tokens.lead_b, key="s-3"))
    assert stale.status_code == 409
    assert db.session.scalar(select(MultiAgencyReturn.evidence)) == "two"


def test_validation_problems_name_each_bad_field(client, audit, ma, tokens):
    start(audit, ma)
    answer = client.post(_path(audit, audit.cases[1]),
                         json=body("police", submit=True, grades={"RESP": "brilliant"},
                                   what_worked=None),
                         headers=bearer(tokens.lead_b, key="bad-1"))
    assert answer.status_code == 422
    assert answer.mimetype == "application/problem+json"
    pointers = {e["pointer"]: e["detail"] for e in answer.get_json()["errors"]}
    assert pointers["#/grades/RESP"] == "Choose a grade for Recognising and responding to " \
                                        "need and risk"
    assert "#/grades/POLICE" in pointers and "#/what_worked" in pointers
    assert _returns() == 0


def test_schema_level_problems_name_the_field_too(client, audit, ma, tokens):
    start(audit, ma)
    answer = client.post(_path(audit, audit.cases[1]), json={"overall": "superb"},
                         headers=bearer(tokens.lead_b, key="bad-2"))
    assert answer.status_code == 422
    assert [e["pointer"] for e in answer.get_json()["errors"]] == ["#/overall"]


def test_another_agencys_token_gets_404_and_changes_nothing(client, audit, ma, tokens, world):
    start(audit, ma)
    selected = audit.cases[1]
    other = client.post(_path(audit, selected), json=body("childrens_services"),
                        headers=bearer(tokens.lead_c, key="c-1"))
    assert other.status_code == 404
    assert client.get(f"/api/v1/multi-agency/audits/{audit.reference}/tool",
                      headers=bearer(tokens.lead_c)).status_code == 404
    assert client.get("/api/v1/multi-agency/cases", headers=bearer(tokens.lead_c)).get_json() == []
    assert _returns() == 0


def test_an_agency_in_the_audit_cannot_write_another_agencys_return(client, audit, ma, tokens):
    start(audit, ma)
    client.post(_path(audit, audit.cases[1]), json=body("police", submit=True),
                headers=bearer(tokens.lead_b, key="b-1"))
    answer = client.get(_path(audit, audit.cases[1]), headers=bearer(tokens.lead_a))
    assert answer.status_code == 404  # the police return is not the council's to read


def test_a_person_without_the_permission_gets_403(client, audit, ma, world):
    _, text = issue(world.practitioner_a, world.a, "x", 5)
    db.session.commit()
    answer = client.get("/api/v1/multi-agency/cases", headers=bearer(text))
    assert answer.status_code == 403


def test_a_conflicted_auditor_gets_403(client, audit, ma, tokens):
    blocked = audit.cases[2]
    start(audit, ma, {ma.lead_b.id: (blocked.code,)})
    answer = client.post(_path(audit, blocked), json=body("police"),
                         headers=bearer(tokens.lead_b, key="x-1"))
    assert answer.status_code == 403
    assert "conflict" in answer.get_json()["detail"]


def test_a_revoked_or_expired_token_gets_401(client, audit, ma, tokens):
    token = db.session.scalars(select(ApiToken).where(ApiToken.user_id == ma.lead_b.id)).one()
    token.revoked_at = utcnow()
    db.session.commit()
    for path in ("/api/v1/multi-agency/cases", _path(audit, audit.cases[1])):
        assert client.get(path, headers=bearer(tokens.lead_b)).status_code == 401
    answer = client.post(_path(audit, audit.cases[1]), json=body("police"),
                         headers=bearer(tokens.lead_b, key="r-1"))
    assert answer.status_code == 401
    assert _returns() == 0


def test_every_call_is_logged(client, audit, ma, tokens):
    client.get("/api/v1/multi-agency/cases", headers=bearer(tokens.lead_b))
    client.get("/api/v1/multi-agency/cases", headers=bearer(tokens.lead_c + "x"))
    calls = db.session.scalars(select(ApiCall).order_by(ApiCall.id)).all()
    assert [(c.endpoint, c.status) for c in calls] == [("multi_agency_api.cases", 200),
                                                       ("multi_agency_api.cases", 401)]
