"""No mass assignment (SECURITY.md row 14): forms and the API bind only the fields they name.
Extra fields naming columns a person must never set (the partnership, agency, role, status,
author or moderated grade) are refused or ignored, and those stored columns do not change,
while the fields the form does own are saved (so the request really reached the save)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.identity.models import Membership, User
from plugins.multi_agency.models import MultiAgencyReturn
from plugins.multi_agency.returns import return_of
from plugins.single_agency import cycles
from plugins.single_agency.models import Audit
from tests.plugins.multi_agency.conftest import (  # noqa: F401 (fixtures)
    ANSWERS,
    CORE_GRADES,
    SECTION_ANSWERS,
    audit,
    bearer,
    body,
    ma,
    start,
    tokens,
)
from tests.plugins.single_agency.conftest import (  # noqa: F401 (fixtures)
    cases,
    council,
    frozen,
    programme,
    rng,
)


def extras(world, **more) -> dict[str, str]:
    """Fields no form offers, each aimed at the other partnership or a higher standing."""
    return {"partnership_id": str(world.p2.id), "agency_id": str(world.c.id),
            "role": "platform_admin", "status": "moderated", "state": "accepted",
            "created_by": "1", "created_by_id": "1", "moderated_grade": "outstanding",
            "final_grade": "outstanding", **more}


def _columns(row, names: tuple[str, ...]) -> dict:
    db.session.expire_all()
    db.session.refresh(row)
    return {name: getattr(row, name) for name in names}


# --- a single-agency case file audit, saved on its summary page ---------------------------

AUDIT_COLUMNS = ("partnership_id", "agency_id", "state", "final_grade", "final_stage",
                 "auditor_id", "accepted_by_id", "submitted_at", "team_id", "case_id")


@pytest.fixture
def sent(programme, cases, council, rng):  # noqa: F811 (fixtures imported above)
    cycle, _ = cycles.draw_monthly(programme, 2026, 3, rng)
    chosen = next(a for a in cycle.audits if a.team_id == council.team_a.id)
    cycles.set_auditor(chosen, council.tm_care)
    cycles.send(cycle, council.qa)
    db.session.commit()
    return chosen


def test_a_single_agency_audit_save_ignores_fields_it_does_not_own(
        login, sent, council, world):  # noqa: F811 (a fixture imported above)
    before = _columns(sent, AUDIT_COLUMNS)
    answer = login(council.tm_care).post(
        f"/single_agency/audits/{sent.id}/summary",
        data={"version": sent.version, "strengths": "Warm, child-focused work.",
              **extras(world, auditor_id=str(council.qa.id))})
    assert answer.status_code in (302, 303, 400)
    after = _columns(sent, AUDIT_COLUMNS)
    assert after == before
    if answer.status_code != 400:
        assert db.session.get(Audit, sent.id).strengths == "Warm, child-focused work."


# --- a multi-agency return: the web form and the API ---------------------------------------

RETURN_COLUMNS = ("agency_id", "audit_case_id", "status", "submitted_by_id", "submitted_at",
                  "updated_by_id")


def _return_form(**extra) -> dict[str, str]:
    data = {f"grades.{k}": v for k, v in {**CORE_GRADES, "POLICE": "good"}.items()}
    data.update({f"answers.{k}": v for k, v in {**ANSWERS, **SECTION_ANSWERS["police"]}.items()})
    data.update({"overall": "good", "evidence": "Read it all.", "what_worked": "Quick.",
                 "what_did_not": "Slow.", "action": "save"})
    data.update(extra)
    return data


def _returns() -> int:
    return db.session.scalar(select(func.count(MultiAgencyReturn.id)))


def test_a_multi_agency_return_saved_on_the_page_binds_only_its_own_fields(
        audit, ma, login, world):  # noqa: F811
    start(audit, ma)
    selected = audit.cases[1]
    url = f"/multi-agency/{audit.id}/cases/{selected.code}/returns/{ma.b.id}"
    answer = login(ma.lead_b).post(url, data=_return_form(
        **extras(world, agency_id=str(ma.a.id), audit_case_id=str(audit.cases[2].id),
                 submitted_by_id=str(ma.lead_b.id), status="submitted")))
    assert answer.status_code in (303, 400)
    saved = return_of(selected, ma.b.id)
    assert return_of(selected, ma.a.id) is None and return_of(audit.cases[2], ma.b.id) is None
    if answer.status_code == 400:
        assert saved is None
        return
    assert saved.evidence == "Read it all."
    assert _columns(saved, RETURN_COLUMNS)["status"] == "draft"  # saved, never submitted
    assert (saved.agency_id, saved.audit_case_id) == (ma.b.id, selected.id)
    assert saved.submitted_by_id is None and saved.submitted_at is None
    assert _returns() == 1


def test_a_multi_agency_return_posted_to_the_api_binds_only_its_own_fields(
        client, audit, ma, tokens, world):  # noqa: F811
    start(audit, ma)
    selected = audit.cases[1]
    path = f"/api/v1/multi-agency/audits/{audit.reference}/cases/{selected.code}/return"
    payload = body("police", **extras(world, agency_id=ma.a.id, status="submitted",
                                      submitted_by_id=ma.lead_b.id,
                                      partnership_id=world.p2.id))
    answer = client.post(path, json=payload, headers=bearer(tokens.lead_b, key="mass-1"))
    assert answer.status_code in (200, 201, 400, 422), answer.text
    saved = return_of(selected, ma.b.id)
    assert return_of(selected, ma.a.id) is None
    if answer.status_code in (400, 422):
        assert saved is None and _returns() == 0
        return
    assert _columns(saved, RETURN_COLUMNS)["status"] == "draft"
    assert saved.agency_id == ma.b.id and saved.submitted_by_id is None


def test_an_api_draft_cannot_jump_to_a_status_it_names(client, audit, ma, tokens):  # noqa: F811
    start(audit, ma)
    selected = audit.cases[1]
    path = f"/api/v1/multi-agency/audits/{audit.reference}/cases/{selected.code}/return"
    answer = client.post(path, json={"evidence": "Reading.", "status": "submitted"},
                         headers=bearer(tokens.lead_b, key="mass-2"))
    saved = return_of(selected, ma.b.id)
    assert saved is None or saved.status == "draft", answer.text


# --- an administrator editing a person -----------------------------------------------------


def _roles(user: User) -> list[tuple]:
    db.session.expire_all()
    return sorted((m.role, m.agency_id, m.team_id, m.partnership_id) for m in db.session.scalars(
        select(Membership).where(Membership.user_id == user.id)))


def test_editing_a_person_changes_only_name_email_and_end_date(world, login):
    person = world.tm_a
    roles, password_hash = _roles(person), person.password_hash
    year = str(date.today().year + 1)
    answer = login(world.coordinator).post(f"/admin/people/{person.id}/edit", data={
        "name": "Tia Manager", "email": "tia.manager@northbrook.example",
        "expires_on": ["1", "6", year], "password_hash": "x", "active": "false",
        "failed_logins": "0", "locked_until": "", "mfa_secret_enc": "x",
        **extras(world, partnership=str(world.p2.id), agency=str(world.c.id))})
    assert answer.status_code == 302
    db.session.expire_all()
    saved = db.session.get(User, person.id)
    assert saved.name == "Tia Manager"  # the form's own fields were saved
    assert _roles(saved) == roles == [("team_manager", world.a.id, world.team_a.id, None)]
    assert saved.password_hash == password_hash and saved.active is True
    assert saved.mfa_secret_enc is None
