"""Agencies, teams, partnerships and the plugins page: scoping, validation, saving."""

from __future__ import annotations

import re

from core.extensions import db
from core.identity.models import Agency, Partnership, Team
from tests.support import factories as f


def test_a_team_manager_lists_only_their_own_agency(world, login):
    page = login(world.tm_a).get("/admin/agencies")
    assert page.status_code == 200
    assert "Northbrook Council" in page.text
    assert "Northbrook Police" not in page.text
    assert "Southmere" not in page.text


def test_a_coordinator_lists_the_agencies_of_their_partnership_only(world, login):
    page = login(world.coordinator).get("/admin/agencies")
    assert "Northbrook Council" in page.text and "Northbrook Police" in page.text
    assert "Southmere" not in page.text


def test_opening_another_partnerships_agency_is_not_found(world, login):
    client = login(world.coordinator)
    assert client.get(f"/admin/agencies/{world.a.id}").status_code == 200
    assert client.get(f"/admin/agencies/{world.c.id}").status_code == 404
    assert client.get(f"/admin/agencies/{world.c.id}/edit").status_code == 404


def test_a_practitioner_without_the_permission_is_refused(world, login):
    client = login(world.practitioner_a)
    assert client.get("/admin/agencies").status_code == 403
    assert client.get(f"/admin/agencies/{world.a.id}").status_code == 403


def test_an_agency_page_shows_its_details_teams_and_people_count(world, login):
    page = login(world.coordinator).get(f"/admin/agencies/{world.a.id}")
    assert "Children&#39;s services" in page.text
    assert "Assessment" in page.text
    assert "Northbrook" in page.text
    # tm_a, practitioner_a and hos_a work in agency A
    assert re.search(r"People</dt>\s*<dd[^>]*>\s*3\s*</dd>", page.text)


def test_a_coordinator_adds_an_agency_to_their_partnership(world, login):
    response = login(world.coordinator).post("/admin/agencies/new", data={
        "name": "Northbrook Health", "type": "health", "partnerships": [str(world.p1.id)],
        "active": "y",
    })
    assert response.status_code == 302
    agency = db.session.scalars(db.select(Agency).filter_by(name="Northbrook Health")).one()
    assert agency.type == "health" and agency.active
    assert [p.name for p in agency.partnerships] == ["Northbrook"]


def test_a_new_agency_needs_a_name_type_and_partnership(world, login):
    page = login(world.coordinator).post("/admin/agencies/new", data={"name": ""})
    assert page.status_code == 200
    assert "There is a problem" in page.text
    for message in ("Enter the agency name", "Select the type of agency",
                    "Select at least one partnership"):
        assert message in page.text


def test_a_coordinator_cannot_move_an_agency_into_another_partnership(world, login):
    page = login(world.coordinator).post(f"/admin/agencies/{world.b.id}/edit", data={
        "name": "Northbrook Police", "type": "police",
        "partnerships": [str(world.p1.id), str(world.p2.id)], "active": "y",
    })
    assert page.status_code == 200
    assert "You can only add the agency to partnerships you coordinate" in page.text
    assert 'href="#partnerships"' in page.text
    db.session.expire_all()
    assert [p.id for p in db.session.get(Agency, world.b.id).partnerships] == [world.p1.id]


def test_editing_a_shared_agency_keeps_the_partnerships_the_editor_cannot_see(world, login):
    world.b.partnerships.append(world.p2)
    db.session.commit()
    client = login(world.coordinator)
    form = client.get(f"/admin/agencies/{world.b.id}/edit")
    assert "Southmere" not in form.text
    client.post(f"/admin/agencies/{world.b.id}/edit", data={
        "name": "Northbrook Constabulary", "type": "police",
        "partnerships": [str(world.p1.id)], "active": "y"})
    db.session.expire_all()
    agency = db.session.get(Agency, world.b.id)
    assert agency.name == "Northbrook Constabulary"
    assert {p.id for p in agency.partnerships} == {world.p1.id, world.p2.id}


def test_an_agency_name_must_be_unique(world, login):
    page = login(world.coordinator).post(f"/admin/agencies/{world.b.id}/edit", data={
        "name": "northbrook council", "type": "police", "partnerships": [str(world.p1.id)]})
    assert "An agency with this name already exists" in page.text


def test_a_team_is_added_with_a_service_area_and_a_parent_in_the_same_agency(world, login):
    response = login(world.coordinator).post(f"/admin/agencies/{world.a.id}/teams/new", data={
        "name": "Assessment East", "service_area": "assessment",
        "parent": str(world.team_a.id)})
    assert response.status_code == 302
    team = db.session.scalars(db.select(Team).filter_by(name="Assessment East")).one()
    assert (team.agency_id, team.service_area, team.parent_id) == (
        world.a.id, "assessment", world.team_a.id)


def test_a_parent_team_from_another_agency_is_refused(world, login):
    page = login(world.coordinator).post(f"/admin/agencies/{world.a.id}/teams/new", data={
        "name": "Assessment East", "service_area": "assessment",
        "parent": str(world.team_b.id)})
    assert "Select a team of Northbrook Council, or none" in page.text
    assert db.session.scalars(db.select(Team).filter_by(name="Assessment East")).first() is None


def test_a_team_cannot_be_made_part_of_its_own_sub_team(world, login):
    child = f.make_team(world.a, "Assessment North")
    child.parent = world.team_a
    db.session.commit()
    page = login(world.coordinator).post(f"/admin/teams/{world.team_a.id}/edit", data={
        "name": "Assessment", "service_area": "assessment", "parent": str(child.id)})
    assert "Select a team of Northbrook Council, or none" in page.text


def test_teams_need_a_service_area_and_a_name_unique_in_their_agency(world, login):
    page = login(world.coordinator).post(f"/admin/agencies/{world.a.id}/teams/new", data={
        "name": "assessment", "service_area": "nonsense"})
    assert "Northbrook Council already has a team with this name" in page.text
    assert "Select a service area" in page.text


def test_teams_of_another_partnership_cannot_be_changed(world, login):
    client = login(world.coordinator)
    assert client.get(f"/admin/teams/{world.team_c.id}/edit").status_code == 404
    assert client.post(f"/admin/agencies/{world.c.id}/teams/new",
                       data={"name": "X", "service_area": "mash"}).status_code == 404
    assert client.get(f"/admin/teams/{world.team_a.id}/edit").status_code == 200


def test_a_platform_admin_creates_and_renames_a_partnership(world, login):
    client = login(world.admin)
    assert client.post("/admin/partnerships/new",
                       data={"name": "Eastvale", "code_prefix": "ev"}).status_code == 302
    made = db.session.scalars(db.select(Partnership).filter_by(name="Eastvale")).one()
    assert made.code_prefix == "EV"
    client.post(f"/admin/partnerships/{made.id}/edit",
                data={"name": "Eastvale LSCP", "code_prefix": "EVL"})
    db.session.expire_all()
    assert (made.name, made.code_prefix) == ("Eastvale LSCP", "EVL")
    assert "Eastvale LSCP" in client.get("/admin/partnerships").text


def test_a_partnership_prefix_must_be_two_to_four_capitals_and_unique(world, login):
    client = login(world.admin)
    page = client.post("/admin/partnerships/new", data={"name": "Eastvale", "code_prefix": "E1"})
    assert "Case code prefix must be 2 to 4 capital letters" in page.text
    page = client.post("/admin/partnerships/new", data={"name": "Eastvale", "code_prefix": "SM"})
    assert "Another partnership already uses this prefix" in page.text
    assert db.session.scalars(db.select(Partnership).filter_by(name="Eastvale")).first() is None


def test_a_coordinator_cannot_manage_partnerships(world, login):
    client = login(world.coordinator)
    assert client.get("/admin/partnerships").status_code == 403
    assert client.get(f"/admin/partnerships/{world.p1.id}/edit").status_code == 403


def test_the_plugins_page_lists_each_plugin_with_what_it_contributes(world, login):
    page = login(world.admin).get("/admin/plugins")
    assert page.status_code == 200
    assert "Example activity" in page.text and "1.2.3" in page.text
    assert "example.view" in page.text
    assert "Built-in" in page.text
    assert login(world.coordinator).get("/admin/plugins").status_code == 403
