"""The homes register: registering and changing homes, placements by case code, the dashboard,
and what the plugin keeps when a child's case reaches the end of its retention."""

from __future__ import annotations

from datetime import date

import pytest
from flask import current_app
from sqlalchemy import select

from core.extensions import db
from plugins.reg44.models import ChildView, Home, Placement
from tests.plugins.reg44 import helpers as h

pytestmark = pytest.mark.plugins("reg44")

HOME = {"agency": "", "name": "Riverside", "kind": "own", "provider": "Northbrook Council",
        "manager_role": "Registered manager", "ofsted_urn": "sc 123456", "beds": "3"}


def test_a_coordinator_registers_a_home_with_the_default_frequency(r44, login):
    response = login(r44.world.coordinator).post(
        "/reg44/homes/new", data={**HOME, "agency": str(r44.world.a.id),
                                  "team": str(r44.team.id)})
    assert response.status_code == 302
    home = db.session.scalar(select(Home).where(Home.name == "Riverside"))
    assert (home.partnership_id, home.agency_id, home.team_id, home.ofsted_urn, home.frequency) \
        == (r44.world.p1.id, r44.world.a.id, r44.team.id, "SC123456", "monthly")


def test_registering_a_home_names_every_problem(r44, login):
    client = login(r44.world.coordinator)
    response = client.post("/reg44/homes/new", data={
        "agency": str(r44.world.a.id), "kind": "commissioned", "team": str(r44.team.id),
        "name": "Hillside", "ofsted_urn": "12AB", "beds": "99"})
    assert response.status_code == 400
    for message in ("A commissioned home is run by its provider: leave the team empty",
                    "Enter the provider", "Ofsted URN must be 6 or 7 digits",
                    "The number of beds must be a whole number from 1 to 50"):
        assert message in response.text
    elsewhere = client.post("/reg44/homes/new", data={**HOME, "agency": str(r44.world.c.id)})
    assert "Select the agency responsible for the home" in elsewhere.text
    assert db.session.scalar(select(db.func.count(Home.id))) == 1


def test_a_second_home_of_the_same_name_is_refused(r44, login):
    response = login(r44.world.coordinator).post(
        "/reg44/homes/new", data={**HOME, "agency": str(r44.world.a.id), "name": "Oakwood"})
    assert "A home with this name is already registered in this partnership" in response.text


def test_changing_a_home_from_an_older_copy_is_refused(r44, login):
    client = login(r44.world.coordinator)
    data = {**HOME, "version": str(r44.home.version), "name": "Oakwood House"}
    assert client.post(f"/reg44/homes/{r44.home.id}/edit", data=data).status_code == 302
    assert client.post(f"/reg44/homes/{r44.home.id}/edit",
                       data={**data, "name": "Oak"}).status_code == 409
    db.session.expire_all()
    assert db.session.get(Home, r44.home.id).name == "Oakwood House"


def test_placements_are_by_case_code_of_the_homes_partnership_and_one_at_a_time(r44, login):
    client = login(r44.world.coordinator)
    url = f"/reg44/homes/{r44.home.id}/placements"
    other = h.make_case(r44.world, partnership=r44.world.p2, agency=r44.world.c)
    db.session.commit()
    day = h.day_fields("placed_on", date(2026, 3, 1))
    refused = client.post(url, data={"case_code": other.code, **day})
    assert "Enter the case code of a child coded in Northbrook" in refused.text
    twice = client.post(url, data={"case_code": r44.canary.code, **day})
    assert "This child is already placed at Oakwood: end that placement first" in twice.text
    placement = db.session.scalar(select(Placement).where(Placement.case_id == r44.plain.id))
    left = client.post(f"/reg44/homes/{r44.home.id}/placements/{placement.id}/end",
                       data={f"ended_on-{placement.id}-day": "2", f"ended_on-{placement.id}"
                             "-month": "3", f"ended_on-{placement.id}-year": "2026"})
    assert left.status_code == 302
    db.session.expire_all()
    assert db.session.get(Placement, placement.id).ended_on == date(2026, 3, 2)


def test_the_dashboard_counts_the_visits_to_do(r44, login):
    h.assign(r44.home, r44.visitor, date(2026, 3, 1))
    h.plan(r44.home, date(2026, 3, 1))
    page = login(r44.visitor).get("/")
    assert "Regulation 44 visits" in page.text
    assert login(r44.world.tm_b).get("/").text.count("Regulation 44 visits") == 0


def test_when_a_case_is_destroyed_the_childs_words_go_and_the_counts_stay(r44):
    h.assign(r44.home, r44.visitor, date(2026, 3, 1))
    h.complete(h.plan(r44.home, date(2026, 3, 1)), r44.visitor, date(2026, 3, 2),
               child=r44.canary)
    current_app.extensions["plugins"].fire("qa_on_case_destroyed", case=r44.canary)
    db.session.commit()
    view = db.session.scalar(select(ChildView))
    assert (view.views, view.consent, view.themes) == (None, True, ["safety", "food_and_home"])
