"""Personal tokens: shown once, hashed at rest, expiring, revocable, scoped to one agency."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.api.models import ApiCall, ApiToken
from core.api.tokens import issue
from core.cases.service import register_case
from core.extensions import db
from core.timeutil import utcnow
from tests.core.api.conftest import bearer
from tests.fixtures.plugins.example.views import Note


def _case(world, agency, partnership):
    number = len(db.session.scalars(select(ApiCall)).all()) + agency.id
    case = register_case(partnership, agency, {"name": "ZZCANARY-NAME",
                                               "record_id": f"ZZREF-{number}",
                                               "date_of_birth": "2012-02-02"},
                         {"cohort": "child_in_need"}, None)
    db.session.commit()
    return case


def test_a_token_is_stored_only_as_a_hash(token_a):
    stored = db.session.scalars(select(ApiToken)).one()
    secret = token_a.rsplit("_", 1)[1]
    assert secret not in stored.secret_hash and len(stored.secret_hash) == 64


def test_me_answers_for_the_tokens_person_and_agency(client, token_a, world):
    body = client.get("/api/v1/me", headers=bearer(token_a)).get_json()
    assert body["email"] == "lead.a@example.test"
    assert body["agency"]["name"] == world.a.name


def test_no_token_a_wrong_one_an_expired_or_revoked_one_all_answer_401(client, token_a):
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/me", headers=bearer(token_a + "x")).status_code == 401
    answer = client.get("/api/v1/me", headers=bearer("pa_nothing_here"))
    assert answer.status_code == 401
    assert answer.mimetype == "application/problem+json"
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")
    token = db.session.scalars(select(ApiToken)).one()
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get("/api/v1/me", headers=bearer(token_a)).status_code == 401
    token.expires_at, token.revoked_at = utcnow() + timedelta(days=1), utcnow()
    db.session.commit()
    assert client.get("/api/v1/me", headers=bearer(token_a)).status_code == 401


def test_a_disabled_person_or_one_who_left_the_agency_is_refused(client, token_a, lead_a):
    lead_a.active = False
    db.session.commit()
    assert client.get("/api/v1/me", headers=bearer(token_a)).status_code == 401
    lead_a.active = True
    for membership in list(lead_a.memberships):
        db.session.delete(membership)
    db.session.commit()
    assert client.get("/api/v1/me", headers=bearer(token_a)).status_code == 401


def test_a_session_cookie_does_not_authenticate_the_api(world, login):
    client = login(world.tm_a)
    assert client.get("/api/v1/me").status_code == 401


def test_a_permission_the_person_lacks_is_403_with_a_problem(client, world):
    _, text = issue(world.practitioner_a, world.a, "x", 5)
    db.session.commit()
    answer = client.get("/api/v1/me", headers=bearer(text))
    assert answer.status_code == 403
    assert answer.get_json()["status"] == 403


def test_cases_are_the_tokens_agencys_and_carry_no_identity(client, token_a, world):
    mine = _case(world, world.a, world.p1)
    other_agency = _case(world, world.b, world.p1)
    other_partnership = _case(world, world.c, world.p2)
    answer = client.get("/api/v1/cases", headers=bearer(token_a))
    codes = [c["code"] for c in answer.get_json()]
    assert codes == [mine.code]
    assert "ZZCANARY" not in answer.text and "ZZREF" not in answer.text
    for case in (other_agency, other_partnership):
        assert client.get(f"/api/v1/cases/{case.code}", headers=bearer(token_a)).status_code == 404
    assert client.get(f"/api/v1/cases/{mine.code}", headers=bearer(token_a)).status_code == 200


def test_another_agencys_object_is_404_and_unchanged(client, token_a, token_c, world):
    created = client.post("/api/v1/example/notes", json={"text": "from C"},
                          headers={**bearer(token_c), "Idempotency-Key": "k-1"})
    note_id = created.get_json()["id"]
    found = client.get(f"/api/v1/example/notes/{note_id}", headers=bearer(token_a))
    assert found.status_code == 404
    assert [n["id"] for n in client.get("/api/v1/example/notes",
                                        headers=bearer(token_a)).get_json()] == []
    assert db.session.get(Note, note_id).text == "from C"


def test_every_call_is_logged_with_its_status_and_no_body(client, token_a):
    client.get("/api/v1/me", headers=bearer(token_a))
    client.get("/api/v1/me")
    calls = db.session.scalars(select(ApiCall).order_by(ApiCall.id)).all()
    assert [(c.endpoint, c.status, c.token_id is not None) for c in calls] == [
        ("api.me", 200, True), ("api.me", 401, False)]
    token = db.session.scalars(select(ApiToken)).one()
    db.session.refresh(token)
    assert token.last_used_at is not None


def test_the_token_page_shows_a_new_token_once_and_revokes_it(world, login, lead_a):
    client = login(lead_a)
    page = client.post("/account/api-tokens/", data={"name": "Police upload",
                                                     "agency": str(world.a.id), "days": "30"})
    assert page.status_code == 200
    text = page.text.split('data-testid="api-token">')[1].split("<")[0]
    assert text.startswith("pa_")
    assert client.get("/api/v1/me", headers=bearer(text)).status_code == 200
    assert text not in client.get("/account/api-tokens/").text
    token = db.session.scalars(select(ApiToken)).one()
    client.post(f"/account/api-tokens/{token.id}/revoke")
    assert client.get("/api/v1/me", headers=bearer(text)).status_code == 401


def test_the_token_form_names_each_bad_field(world, login, lead_a):
    page = login(lead_a).post("/account/api-tokens/",
                              data={"name": "", "agency": str(world.c.id), "days": "400"})
    assert page.status_code == 400
    assert 'href="#name"' in page.text and 'href="#agency"' in page.text
    assert "Enter a number from 1 to 90" in page.text
    assert db.session.scalars(select(ApiToken)).all() == []


def test_someone_elses_token_cannot_be_revoked(world, login, lead_a, token_c):
    other = db.session.scalars(select(ApiToken)).one()
    answer = login(lead_a).post(f"/account/api-tokens/{other.id}/revoke")
    assert answer.status_code == 404
    db.session.refresh(other)
    assert other.revoked_at is None


def test_someone_in_no_agency_is_told_they_cannot_make_a_token_and_may_not_post(world, login):
    """Found by tests/security/test_form_fuzz.py: a coordinator (partnership role, no agency)
    saw a form with no agency to choose, and its error linked to a field that was not there."""
    client = login(world.coordinator)
    page = client.get("/account/api-tokens/").get_data(as_text=True)
    assert "you are not a member of one" in page and 'action="/account/api-tokens/"' not in page
    answer = client.post("/account/api-tokens/", data={"name": "Upload", "days": "30"})
    assert answer.status_code == 403
    assert db.session.scalars(select(ApiToken)).all() == []
