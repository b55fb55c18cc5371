"""Independent persons: the role in the home's agency and the line-management check."""

from __future__ import annotations

import pytest

from core.extensions import db
from plugins.reg44.independence import independence_problems, is_independent
from plugins.reg44.models import Assignment
from tests.plugins.reg44 import helpers as h
from tests.support.factories import add_role, make_user

pytestmark = pytest.mark.plugins("reg44")


def test_an_independent_person_outside_the_homes_line_is_independent(r44):
    assert independence_problems(r44.visitor, r44.home) == []


def test_a_member_of_the_team_that_runs_the_home_is_not_independent(r44):
    add_role(r44.carer, "reg44_visitor", r44.world.a)
    assert "Cas Carer works in Oakwood house, which runs Oakwood." in \
        independence_problems(r44.carer, r44.home)


def test_someone_who_line_manages_the_homes_staff_further_up_is_not_independent(r44):
    head = make_user("reg44_visitor", r44.world.a, email="head@example.test", name="Hal Head")
    r44.sm.memberships[0].line_manager = head  # carer -> manager -> service manager -> Hal
    db.session.flush()
    assert independence_problems(head, r44.home) == ["Hal Head line-manages staff of Oakwood."]


def test_a_manager_of_a_team_above_the_homes_team_is_not_independent(r44):
    above = make_user("head_of_service", r44.residential, email="hos.res@example.test",
                      name="Hana Res")
    add_role(above, "reg44_visitor", r44.world.a)
    assert "Hana Res manages Residential services, above Oakwood." in \
        independence_problems(above, r44.home)


def test_a_director_of_the_agency_that_runs_the_home_is_not_independent(r44):
    director = make_user("director", r44.world.a, email="dcs@example.test", name="Dee Director")
    add_role(director, "reg44_visitor", r44.world.a)
    assert not is_independent(director, r44.home)


def test_a_visitor_of_another_agency_is_not_an_independent_person_for_the_home(r44):
    elsewhere = make_user("reg44_visitor", r44.world.c, email="far@example.test", name="Far Away")
    assert independence_problems(elsewhere, r44.home) == [
        "Far Away is not a Regulation 44 independent person for Northbrook Council."]


def test_a_commissioned_home_checks_only_the_role(r44):
    commissioned = h.make_home(r44.world, "Hillside", kind="commissioned",
                               provider="Hillside Care Ltd")
    assert is_independent(r44.carer, commissioned) is False  # no visitor role
    add_role(r44.carer, "reg44_visitor", r44.world.a)
    assert is_independent(r44.carer, commissioned)


def test_the_assignment_page_refuses_someone_in_the_line_and_names_why(r44, login):
    client = login(r44.world.coordinator)
    add_role(r44.manager, "reg44_visitor", r44.world.a)
    db.session.commit()
    page = client.get(f"/reg44/homes/{r44.home.id}/visitor")
    assert "Not independent: Olu Manager works in Oakwood house" in page.text
    response = client.post(f"/reg44/homes/{r44.home.id}/visitor", data={
        "visitor": str(r44.manager.id), **h.day_fields("starts_on", r44.home.created_at.date())})
    assert response.status_code == 400
    assert "Olu Manager works in Oakwood house, which runs Oakwood." in response.text
    assert db.session.query(Assignment).count() == 0


def test_assigning_an_independent_person_hands_them_the_visits_not_yet_made(r44, login):
    visit = h.plan(r44.home, r44.home.created_at.date().replace(day=1))
    assert visit.visitor_id is None
    client = login(r44.world.coordinator)
    response = client.post(f"/reg44/homes/{r44.home.id}/visitor", data={
        "visitor": str(r44.visitor.id), **h.day_fields("starts_on", r44.home.created_at.date())})
    assert response.status_code == 302
    db.session.expire_all()
    assert r44.home.current_assignment().visitor_id == r44.visitor.id
    assert visit.visitor_id == r44.visitor.id


def test_a_visitor_who_joined_the_line_since_being_assigned_cannot_record_the_visit(r44, login):
    h.assign(r44.home, r44.visitor, r44.home.created_at.date())
    visit = h.plan(r44.home, r44.home.created_at.date().replace(day=1))
    r44.carer.memberships[0].line_manager = r44.visitor
    db.session.commit()
    client = login(r44.visitor)
    response = client.post(f"/reg44/visits/{visit.id}/record", data=h.form(
        visit, announced="announced", **h.day_fields("visited_on", r44.home.created_at.date())))
    assert response.status_code == 400
    assert "Vera Visitor line-manages staff of Oakwood." in response.text
    db.session.expire_all()
    assert (visit.state, visit.visited_on) == ("scheduled", None)
