"""People and their roles: scoped lists, adding people, roles, disabling, MFA reset."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from core.admin.accounts import end_date, end_of_day
from core.extensions import db
from core.identity.models import Membership, SecurityEvent, User, UserSession
from core.timeutil import utcnow
from tests.fixtures.plugins.example import views as example_views
from tests.support import factories as f


def _person(email: str) -> User | None:
    db.session.expire_all()
    return db.session.scalars(select(User).filter_by(email=email)).first()


def _events(name: str) -> list[SecurityEvent]:
    return list(db.session.scalars(select(SecurityEvent).filter_by(event=name)))


def new_person(world, **overrides) -> dict:
    data = {"name": "Asha Patel", "email": "asha.patel@northbrook.example",
            "agency": str(world.a.id), "team": str(world.team_a.id), "partnership": "",
            "role": "practitioner", "line_manager_email": "tm.a@example.test"}
    return {**data, **overrides}


# --- lists and pages ------------------------------------------------------------------------


def test_the_people_list_shows_only_people_the_viewer_reaches(world, login):
    page = login(world.coordinator).get("/admin/people")
    assert world.tm_a.email in page.text and world.tm_b.email in page.text
    assert world.tm_c.email not in page.text
    page = login(world.tm_a).get("/admin/people")
    assert world.practitioner_a.email in page.text and world.hos_a.email in page.text
    assert world.tm_b.email not in page.text and world.tm_c.email not in page.text


def test_the_people_list_filters_by_agency_role_and_search(world, login):
    client = login(world.coordinator)
    page = client.get(f"/admin/people?agency={world.b.id}")
    assert world.tm_b.email in page.text and world.tm_a.email not in page.text
    page = client.get("/admin/people?role=head_of_service")
    assert world.hos_a.email in page.text and world.tm_a.email not in page.text
    page = client.get("/admin/people?q=SW.A@")
    assert world.practitioner_a.email in page.text and world.tm_a.email not in page.text


def test_filtering_by_an_agency_out_of_reach_shows_nothing_of_it(world, login):
    page = login(world.coordinator).get(f"/admin/people?agency={world.c.id}")
    assert world.tm_c.email not in page.text
    assert "Southmere" not in page.text


def test_the_people_list_is_paginated_by_fifty(world, login):
    with db.session.no_autoflush:
        for n in range(55):
            f.make_user("practitioner", world.team_b, email=f"p{n:02}@northbrook.example",
                        name=f"Zz Person {n:02}")
    db.session.commit()
    client = login(world.coordinator)
    first = client.get("/admin/people")
    assert "Page 1 of 2" in first.text and "p54@northbrook.example" not in first.text
    second = client.get("/admin/people?page=2")
    assert "p54@northbrook.example" in second.text


def test_opening_a_person_of_another_partnership_is_not_found(world, login):
    client = login(world.coordinator)
    assert client.get(f"/admin/people/{world.tm_a.id}").status_code == 200
    assert client.get(f"/admin/people/{world.tm_c.id}").status_code == 404
    assert client.get(f"/admin/people/{world.tm_c.id}/edit").status_code == 404


def test_a_person_in_two_partnerships_shows_only_the_roles_the_viewer_may_see(world, login):
    f.add_role(world.tm_a, "qa_officer", world.c)
    db.session.commit()
    page = login(world.coordinator).get(f"/admin/people/{world.tm_a.id}")
    assert "Northbrook Council" in page.text
    assert "Southmere" not in page.text
    assert "also has 1 role in organisations you do not manage" in page.text


def test_a_practitioner_cannot_see_people(world, login):
    assert login(world.practitioner_a).get("/admin/people").status_code == 403


def test_a_viewer_without_manage_sees_no_change_buttons(world, login):
    page = login(world.hos_a).get(f"/admin/people/{world.tm_a.id}")
    assert page.status_code == 200
    assert "Add a role" not in page.text and "Disable account" not in page.text
    assert login(world.hos_a).get("/admin/people/new").status_code == 403


# --- adding people ---------------------------------------------------------------------------


def test_adding_a_person_saves_them_without_a_password_and_tells_plugins(world, login):
    example_views.CREATED.clear()
    response = login(world.coordinator).post("/admin/people/new", data=new_person(
        world, expires_on=["31", "3", str(date.today().year + 2)]))
    assert response.status_code == 302
    user = _person("asha.patel@northbrook.example")
    assert user.password_hash is None and user.name == "Asha Patel"
    assert end_date(user.expires_at) == date(date.today().year + 2, 3, 31)
    [m] = user.memberships
    assert (m.role, m.agency_id, m.team_id, m.line_manager_id) == (
        "practitioner", world.a.id, world.team_a.id, world.tm_a.id)
    assert example_views.CREATED == ["asha.patel@northbrook.example"]
    assert _events("role_granted")[0].detail == (
        f"target={user.id} membership={m.id} role=practitioner")


def test_a_bad_email_is_reported_on_its_field_and_nothing_is_saved(world, login):
    page = login(world.coordinator).post("/admin/people/new",
                                         data=new_person(world, email="not an email"))
    assert "There is a problem" in page.text
    assert 'href="#email"' in page.text
    assert "Enter an email address in the correct format" in page.text
    assert _person("not an email") is None
    assert db.session.scalar(select(db.func.count(User.id))) == 7


def test_a_duplicate_email_is_reported_on_its_field_and_nothing_is_saved(world, login):
    f.make_user("practitioner", world.b, email="taken@northbrook.example")
    db.session.commit()
    page = login(world.coordinator).post(
        "/admin/people/new", data=new_person(world, email="Taken@Northbrook.example"))
    assert 'href="#email"' in page.text
    assert "A person with this email address already exists" in page.text
    assert db.session.scalar(select(db.func.count(User.id))) == 8


def test_a_team_of_another_agency_is_reported_on_the_team_field(world, login):
    for team in (world.team_b, world.team_c):
        page = login(world.coordinator).post("/admin/people/new",
                                             data=new_person(world, team=str(team.id)))
        assert page.status_code == 200
        assert 'href="#team"' in page.text
        assert "Select a team of Northbrook Council, or no team" in page.text
        assert "Southmere" not in page.text
    assert _person("asha.patel@northbrook.example") is None


def test_an_agency_out_of_reach_is_not_found(world, login):
    response = login(world.coordinator).post(
        "/admin/people/new", data=new_person(world, agency=str(world.c.id), team=""))
    assert response.status_code == 404
    assert _person("asha.patel@northbrook.example") is None


def test_a_partnership_role_needs_a_partnership_and_no_agency(world, login):
    page = login(world.coordinator).post("/admin/people/new", data=new_person(
        world, role="board_member", team=""))
    assert "Leave agency blank" in page.text
    assert "Select the partnership for the Board or sub-committee member role" in page.text
    response = login(world.coordinator).post("/admin/people/new", data=new_person(
        world, role="board_member", team="", agency="", partnership=str(world.p1.id)))
    assert response.status_code == 302
    [m] = _person("asha.patel@northbrook.example").memberships
    assert (m.role, m.partnership_id, m.agency_id) == ("board_member", world.p1.id, None)


def test_a_coordinator_cannot_grant_platform_admin(world, login):
    client = login(world.coordinator)
    page = client.post("/admin/people/new", data=new_person(
        world, role="platform_admin", agency="", team=""))
    assert "Only a platform administrator can make someone a platform administrator" in page.text
    assert _person("asha.patel@northbrook.example") is None
    page = client.post(f"/admin/people/{world.tm_a.id}/roles",
                       data={"role": "platform_admin", "agency": "", "team": "",
                             "partnership": ""})
    assert "Only a platform administrator" in page.text
    assert [m.role for m in _person(world.tm_a.email).memberships] == ["team_manager"]


def test_a_platform_admin_can_grant_platform_admin(world, login):
    login(world.admin).post(f"/admin/people/{world.tm_a.id}/roles", data={
        "role": "platform_admin", "agency": "", "team": "", "partnership": ""})
    assert "platform_admin" in [m.role for m in _person(world.tm_a.email).memberships]


# --- roles -----------------------------------------------------------------------------------


def test_adding_a_role_records_it_and_refuses_the_same_role_twice(world, login):
    client = login(world.coordinator)
    data = {"role": "qa_officer", "agency": str(world.b.id), "team": "", "partnership": "",
            "line_manager_email": ""}
    assert client.post(f"/admin/people/{world.tm_a.id}/roles", data=data).status_code == 302
    assert {m.role for m in _person(world.tm_a.email).memberships} == {"team_manager",
                                                                      "qa_officer"}
    assert len(_events("role_granted")) == 1
    again = client.post(f"/admin/people/{world.tm_a.id}/roles", data=data)
    assert "They already have this role there" in again.text


def test_adding_a_role_in_another_partnerships_agency_is_not_found(world, login):
    client = login(world.coordinator)
    data = {"role": "qa_officer", "agency": str(world.c.id), "team": "", "partnership": ""}
    assert client.post(f"/admin/people/{world.tm_a.id}/roles", data=data).status_code == 404
    data = {"role": "board_member", "agency": "", "team": "", "partnership": str(world.p2.id)}
    assert client.post(f"/admin/people/{world.tm_a.id}/roles", data=data).status_code == 404
    assert len(_person(world.tm_a.email).memberships) == 1


def test_removing_a_role_deletes_it_and_records_an_event(world, login):
    membership = f.add_role(world.tm_a, "qa_officer", world.a)
    db.session.commit()
    mid = membership.id
    response = login(world.coordinator).post(
        f"/admin/people/{world.tm_a.id}/roles/{mid}/remove")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Membership, mid) is None
    assert _events("role_removed")[0].detail == (
        f"target={world.tm_a.id} membership={mid} role=qa_officer")


def test_a_role_in_another_partnership_cannot_be_removed(world, login):
    hidden = f.add_role(world.tm_a, "qa_officer", world.c)
    db.session.commit()
    client = login(world.coordinator)
    url = f"/admin/people/{world.tm_a.id}/roles/{hidden.id}/remove"
    assert client.post(url).status_code == 404
    mismatched = f"/admin/people/{world.tm_b.id}/roles/{world.tm_a.memberships[0].id}/remove"
    assert client.post(mismatched).status_code == 404
    db.session.expire_all()
    assert len(db.session.get(User, world.tm_a.id).memberships) == 2


# --- account -----------------------------------------------------------------------------------


def test_disabling_an_account_ends_that_persons_session_at_once(world, login, app):
    victim = app.test_client()
    f.login_as(victim, world.tm_a)
    assert victim.get("/admin/people").status_code == 200
    response = login(world.coordinator).post(f"/admin/people/{world.tm_a.id}/disable")
    assert response.status_code == 302
    assert victim.get("/admin/people").status_code in (302, 401)
    db.session.expire_all()
    assert not db.session.get(User, world.tm_a.id).active
    live = select(UserSession).filter_by(user_id=world.tm_a.id, revoked_at=None)
    assert db.session.scalars(live).all() == []
    assert _events("account_disabled")[0].detail == f"target={world.tm_a.id}"


def test_enabling_an_account_again_lets_it_be_used(world, login):
    world.tm_a.active = False
    db.session.commit()
    login(world.coordinator).post(f"/admin/people/{world.tm_a.id}/enable")
    db.session.expire_all()
    assert db.session.get(User, world.tm_a.id).active
    assert len(_events("account_enabled")) == 1


def test_an_admin_cannot_disable_their_own_account(world, login):
    login(world.coordinator).post(f"/admin/people/{world.coordinator.id}/disable")
    db.session.expire_all()
    assert db.session.get(User, world.coordinator.id).active


def test_resetting_mfa_clears_the_authenticator_and_ends_sessions(world, login, app):
    world.tm_a.mfa_secret_enc, world.tm_a.mfa_enabled_at = "ciphertext", utcnow()
    world.tm_a.last_totp_step, world.tm_a.recovery_codes = 123, "hashes"
    db.session.commit()
    victim = app.test_client()
    f.login_as(victim, world.tm_a)
    page = login(world.coordinator).get(f"/admin/people/{world.tm_a.id}")
    assert "Reset authenticator app" in page.text
    login(world.coordinator).post(f"/admin/people/{world.tm_a.id}/reset-mfa")
    user = _person(world.tm_a.email)
    assert (user.mfa_secret_enc, user.mfa_enabled_at, user.last_totp_step,
            user.recovery_codes) == (None, None, None, None)
    assert victim.get("/admin/people").status_code in (302, 401)
    assert _events("mfa_reset")[0].detail == f"target={world.tm_a.id}"


def test_editing_a_person_changes_their_name_email_and_end_date(world, login):
    client = login(world.coordinator)
    assert "tm.a@example.test" in client.get(f"/admin/people/{world.tm_a.id}/edit").text
    year = str(date.today().year + 1)
    response = client.post(f"/admin/people/{world.tm_a.id}/edit", data={
        "name": "Tia Manager", "email": "Tia.Manager@Northbrook.example",
        "expires_on": ["1", "6", year]})
    assert response.status_code == 302
    user = _person("tia.manager@northbrook.example")
    assert user.name == "Tia Manager"
    assert end_date(user.expires_at) == date(int(year), 6, 1)


def test_an_end_date_in_the_past_or_not_a_real_date_is_refused(world, login):
    client = login(world.coordinator)
    page = client.post(f"/admin/people/{world.tm_a.id}/edit", data={
        "name": "Tia", "email": "tm.a@example.test", "expires_on": ["1", "1", "2020"]})
    assert "Account end date must be today or in the future" in page.text
    page = client.post(f"/admin/people/{world.tm_a.id}/edit", data={
        "name": "Tia", "email": "tm.a@example.test", "expires_on": ["31", "2", "2030"]})
    assert "must be a real date" in page.text


def test_an_account_end_date_lasts_to_the_end_of_that_day_in_london():
    summer = end_of_day(date(2027, 7, 1))
    assert summer.astimezone(UTC) == datetime(2027, 7, 1, 23, 0, tzinfo=UTC)
    winter = end_of_day(date(2027, 1, 1))
    assert winter.astimezone(UTC) == datetime(2027, 1, 2, 0, 0, tzinfo=UTC)
    assert end_date(summer.astimezone(UTC)) == date(2027, 7, 1)
