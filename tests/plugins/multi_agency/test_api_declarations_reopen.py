"""The partner API's declarations and reopen requests: the pages' rules, scoped to the token's
agency, idempotent, and answering problems that name each bad field."""

from __future__ import annotations

from sqlalchemy import func, select

from core.api.models import ApiCall, ApiToken
from core.api.tokens import issue
from core.extensions import db
from core.notifications.models import Notification
from core.timeutil import utcnow
from plugins.multi_agency import lifecycle, returns
from plugins.multi_agency.models import MultiAgencyDeclaration
from tests.plugins.multi_agency.conftest import bearer, body, start

REASON = "A later strategy meeting was found in the records."


def _open(audit, ma) -> None:
    """Auditing starts before anyone has declared."""
    lifecycle.open_audit(audit, ma.coordinator)
    db.session.commit()


def _declarations() -> int:
    return db.session.scalar(select(func.count(MultiAgencyDeclaration.id)))


def _case_path(audit, selected) -> str:
    return f"/api/v1/multi-agency/audits/{audit.reference}/cases/{selected.code}"


def _declare(client, audit, selected, token: str, key: str, payload: dict):
    return client.post(_case_path(audit, selected) + "/declaration", json=payload,
                       headers=bearer(token, key=key))


def _submit(client, audit, selected, token: str) -> None:
    answer = client.post(_case_path(audit, selected) + "/return",
                         json=body("police", submit=True), headers=bearer(token, key="sub-1"))
    assert answer.status_code == 201, answer.get_json()


def _ask(client, audit, selected, token: str, key: str, reason: object = REASON):
    return client.post(_case_path(audit, selected) + "/return/reopen-request",
                       json={"reason": reason}, headers=bearer(token, key=key))


def _pointers(answer) -> dict[str, str]:
    assert answer.status_code == 422 and answer.mimetype == "application/problem+json"
    return {e["pointer"]: e["detail"] for e in answer.get_json()["errors"]}


# --- Declarations ---------------------------------------------------------------------------------


def test_a_lead_auditor_declares_no_involvement_and_reads_it_back(client, audit, ma, tokens):
    _open(audit, ma)
    selected = audit.cases[1]
    path = _case_path(audit, selected) + "/declaration"
    assert client.get(path, headers=bearer(tokens.lead_b)).status_code == 404
    made = _declare(client, audit, selected, tokens.lead_b, "dec-1", {"conflict": False})
    assert made.status_code == 201
    assert made.get_json() == {**made.get_json(), "audit": audit.reference,
                               "case": selected.code, "agency": "Northbrook Police",
                               "conflict": False, "blocked": None}
    read = client.get(path, headers=bearer(tokens.lead_b))
    assert read.status_code == 200 and read.get_json() == made.get_json()
    assert "Bo Police" not in read.text and "ZZCANARY" not in read.text
    # the council's auditor has not declared on this case: their own answer is still 404
    assert client.get(path, headers=bearer(tokens.lead_a)).status_code == 404


def test_declaring_again_updates_and_a_conflict_cannot_be_withdrawn(client, audit, ma, tokens):
    _open(audit, ma)
    selected = audit.cases[1]
    assert _declare(client, audit, selected, tokens.lead_b, "k-1",
                    {"conflict": False}).status_code == 201
    changed = _declare(client, audit, selected, tokens.lead_b, "k-2", {"conflict": True})
    assert changed.status_code == 200 and changed.get_json()["conflict"] is True
    withdrawn = _declare(client, audit, selected, tokens.lead_b, "k-3", {"conflict": False})
    assert withdrawn.status_code == 409
    assert "cannot be withdrawn" in withdrawn.get_json()["detail"]
    assert _declarations() == 1


def test_a_retried_declaration_creates_nothing_twice(client, audit, ma, tokens):
    _open(audit, ma)
    selected = audit.cases[1]
    first = _declare(client, audit, selected, tokens.lead_b, "same", {"conflict": False})
    again = _declare(client, audit, selected, tokens.lead_b, "same", {"conflict": False})
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert first.get_json() == again.get_json()
    assert _declarations() == 1


def test_a_conflict_declared_through_the_api_blocks_the_return_save(client, audit, ma, tokens):
    _open(audit, ma)
    selected = audit.cases[2]
    declared = _declare(client, audit, selected, tokens.lead_b, "c-1", {"conflict": True})
    assert declared.status_code == 201
    assert "conflict" in declared.get_json()["blocked"]
    save = client.post(_case_path(audit, selected) + "/return", json=body("police"),
                       headers=bearer(tokens.lead_b, key="c-2"))
    assert save.status_code == 403
    assert "conflict" in save.get_json()["detail"]
    statuses = client.get(f"/api/v1/multi-agency/audits/{audit.reference}/returns",
                          headers=bearer(tokens.lead_b)).get_json()
    assert "conflict" in {s["case"]: s["blocked"] for s in statuses}[selected.code]


def test_declaration_problems_name_the_field(client, audit, ma, tokens):
    _open(audit, ma)
    selected = audit.cases[1]
    missing = _declare(client, audit, selected, tokens.lead_b, "v-1", {})
    assert _pointers(missing) == {
        "#/conflict": f"Say whether you had any involvement with case {selected.code}"}
    wrong = _declare(client, audit, selected, tokens.lead_b, "v-2", {"conflict": "perhaps"})
    assert list(_pointers(wrong)) == ["#/conflict"]
    assert _declarations() == 0


def test_only_the_agencys_auditor_declares_and_only_while_it_may(client, audit, ma, tokens):
    _open(audit, ma)
    selected = audit.cases[1]
    _, spare = issue(ma.spare_b, ma.b, "case system", 30)
    db.session.commit()
    not_theirs = _declare(client, audit, selected, spare, "s-1", {"conflict": False})
    assert not_theirs.status_code == 403
    audit.status = "consultation"
    db.session.commit()
    closed = _declare(client, audit, selected, tokens.lead_b, "s-2", {"conflict": False})
    assert closed.status_code == 409
    assert _declarations() == 0


def test_a_planned_audit_takes_declarations(client, audit, ma, tokens):
    answer = _declare(client, audit, audit.cases[1], tokens.lead_h, "p-1", {"conflict": False})
    assert answer.status_code == 201 and answer.get_json()["agency"] == "Northbrook Health"


# --- Reopen requests ------------------------------------------------------------------------------


def test_asking_to_reopen_a_submitted_return(client, audit, ma, tokens):
    start(audit, ma)
    selected = audit.cases[1]
    _submit(client, audit, selected, tokens.lead_b)
    asked = _ask(client, audit, selected, tokens.lead_b, "r-1")
    assert asked.status_code == 200
    shown = asked.get_json()
    assert shown["status"] == "reopen_requested"
    assert shown["reopen_request"]["reason"] == REASON
    read = client.get(_case_path(audit, selected) + "/return", headers=bearer(tokens.lead_b))
    assert read.get_json()["reopen_request"] == shown["reopen_request"]
    statuses = client.get(f"/api/v1/multi-agency/audits/{audit.reference}/returns",
                          headers=bearer(tokens.lead_b)).get_json()
    row = {s["case"]: s for s in statuses}[selected.code]
    assert row["status"] == "reopen_requested" and row["reopen_request"]["reason"] == REASON
    assert {s["reopen_request"] for s in statuses if s["case"] != selected.code} == {None}
    notes = db.session.scalars(select(Notification).where(
        Notification.event == "multi_agency.reopen_requested")).all()
    assert [n.recipient_id for n in notes] == [ma.coordinator.id]
    # the coordinator reopens it: the request is answered, the return is a draft again
    returns.reopen(returns.return_of(selected, ma.b.id), ma.coordinator)
    db.session.commit()
    after = client.get(_case_path(audit, selected) + "/return", headers=bearer(tokens.lead_b))
    assert after.get_json()["status"] == "draft" and after.get_json()["reopen_request"] is None


def test_a_retried_reopen_request_asks_once_and_a_second_one_is_refused(client, audit, ma,
                                                                         tokens):
    start(audit, ma)
    selected = audit.cases[1]
    _submit(client, audit, selected, tokens.lead_b)
    first = _ask(client, audit, selected, tokens.lead_b, "once")
    again = _ask(client, audit, selected, tokens.lead_b, "once")
    assert first.status_code == again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert first.get_json() == again.get_json()
    pending = _ask(client, audit, selected, tokens.lead_b, "twice", "Another reason entirely.")
    assert pending.status_code == 409
    assert "already been asked" in pending.get_json()["detail"]
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.event == "multi_agency.reopen_requested")) == 1


def test_only_a_submitted_return_can_be_asked_to_reopen(client, audit, ma, tokens):
    start(audit, ma)
    selected = audit.cases[1]
    assert _ask(client, audit, selected, tokens.lead_b, "n-1").status_code == 404
    client.post(_case_path(audit, selected) + "/return", json={"evidence": "Reading."},
                headers=bearer(tokens.lead_b, key="draft-1"))
    draft = _ask(client, audit, selected, tokens.lead_b, "n-2")
    assert draft.status_code == 409 and "draft" in draft.get_json()["detail"]


def test_reopen_request_problems_name_the_reason(client, audit, ma, tokens):
    start(audit, ma)
    selected = audit.cases[1]
    _submit(client, audit, selected, tokens.lead_b)
    assert _pointers(_ask(client, audit, selected, tokens.lead_b, "q-1", None)) == {
        "#/reason": "Enter why the return needs to change"}
    assert _pointers(_ask(client, audit, selected, tokens.lead_b, "q-2", "Too short")) == {
        "#/reason": "Explain why in at least 10 characters"}
    too_long = _pointers(_ask(client, audit, selected, tokens.lead_b, "q-3", "x" * 2001))
    assert too_long == {"#/reason": "Why the return needs to change must be 2000 characters "
                                    "or fewer"}
    assert list(_pointers(_ask(client, audit, selected, tokens.lead_b, "q-4", 42))) == [
        "#/reason"]
    read = client.get(_case_path(audit, selected) + "/return", headers=bearer(tokens.lead_b))
    assert read.get_json()["status"] == "submitted"


# --- Scoping, tokens and the log ------------------------------------------------------------------


def test_another_agencys_token_gets_404_and_changes_nothing(client, audit, ma, tokens):
    start(audit, ma)
    selected = audit.cases[1]
    _submit(client, audit, selected, tokens.lead_b)
    path = _case_path(audit, selected)
    assert client.get(path + "/declaration", headers=bearer(tokens.lead_c)).status_code == 404
    assert _declare(client, audit, selected, tokens.lead_c, "o-1",
                    {"conflict": True}).status_code == 404
    assert _ask(client, audit, selected, tokens.lead_c, "o-2").status_code == 404
    # in the audit, but the police return is not the council's to ask about
    assert _ask(client, audit, selected, tokens.lead_a, "o-3").status_code == 404
    unknown = f"/api/v1/multi-agency/audits/{audit.reference}/cases/NOPE-1/declaration"
    assert client.get(unknown, headers=bearer(tokens.lead_b)).status_code == 404
    assert returns.status_of(returns.return_of(selected, ma.b.id)) == "submitted"


def test_a_revoked_token_gets_401(client, audit, ma, tokens):
    start(audit, ma)
    selected = audit.cases[1]
    token = db.session.scalars(select(ApiToken).where(ApiToken.user_id == ma.lead_b.id)).one()
    token.revoked_at = utcnow()
    db.session.commit()
    path = _case_path(audit, selected)
    assert client.get(path + "/declaration", headers=bearer(tokens.lead_b)).status_code == 401
    assert _declare(client, audit, selected, tokens.lead_b, "x-1",
                    {"conflict": True}).status_code == 401
    assert _ask(client, audit, selected, tokens.lead_b, "x-2").status_code == 401


def test_a_person_without_the_permission_gets_403(client, audit, ma, world):
    _, text = issue(world.practitioner_a, world.a, "x", 5)
    db.session.commit()
    path = _case_path(audit, audit.cases[1])
    assert client.get(path + "/declaration", headers=bearer(text)).status_code == 403
    assert _ask(client, audit, audit.cases[1], text, "y-1").status_code == 403


def test_the_new_calls_are_logged_without_identity(client, audit, ma, tokens, caplog):
    _open(audit, ma)
    selected = audit.cases[1]
    caplog.set_level("INFO", logger="partnership_audit.api")
    _declare(client, audit, selected, tokens.lead_b, "l-1", {"conflict": False})
    client.get(_case_path(audit, selected) + "/declaration", headers=bearer(tokens.lead_b))
    _ask(client, audit, selected, tokens.lead_b, "l-2")
    calls = db.session.scalars(select(ApiCall).order_by(ApiCall.id)).all()
    assert [(c.endpoint, c.status) for c in calls] == [
        ("multi_agency_api.make_declaration", 201), ("multi_agency_api.read_declaration", 200),
        ("multi_agency_api.ask_to_reopen", 404)]
    logged = caplog.text
    assert selected.code not in logged and "Bo Police" not in logged and REASON not in logged
