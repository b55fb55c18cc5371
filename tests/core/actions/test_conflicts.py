"""Two people saving the same action or action plan: the second is told what changed, and
nothing they typed is lost."""

from __future__ import annotations

import pytest
from sqlalchemy import update
from sqlalchemy.orm.exc import StaleDataError

from core.actions.editing import update_action
from core.actions.models import Action, ActionPlan
from core.actions.plans import create_plan
from core.actions.service import Owner
from core.extensions import db
from tests.support.factories import login_as


def _form(action: Action, **changes) -> dict[str, str]:
    due = action.due_date
    values = {"plan": str(action.plan_id or ""), "what": action.what, "why": action.why,
              "owner_agency": str(action.owner_agency_id),
              "owner_team": str(action.owner_team_id or ""),
              "owner_email": action.owner_user.email if action.owner_user else "",
              "due_day": str(due.day), "due_month": str(due.month), "due_year": str(due.year),
              "priority": action.priority, "version": str(action.version)}
    return {**values, **changes}


def test_the_second_save_of_an_action_gets_a_conflict_and_keeps_both_versions(
        make_action, line, world, app):
    action = make_action(line.practitioner)
    first, second = app.test_client(), app.test_client()
    login_as(first, world.coordinator)
    login_as(second, line.tm)
    opened = _form(action)  # both opened the form on the same version
    assert first.post(f"/actions/{action.id}/edit", data={
        **opened, "what": "Coordinator's wording", "due_day": "20"}).status_code == 302
    response = second.post(f"/actions/{action.id}/edit", data={
        **opened, "what": "Team manager's wording", "why": "TM's reason"})
    assert response.status_code == 409
    page = response.text
    assert "Someone else saved this action after you opened it" in page
    assert world.coordinator.name in page
    assert "Coordinator&#39;s wording" in page  # saved now, in the comparison
    assert "Team manager&#39;s wording" in page and "TM&#39;s reason" in page  # kept in the form
    assert "20 March 2026" in page and "30 March 2026" in page  # the due dates compared
    db.session.expire_all()
    saved = db.session.get(Action, action.id)
    assert (saved.what, saved.due_date.day) == ("Coordinator's wording", 20)

    version = page.split('name="version" value="')[1].split('"')[0]
    assert version == str(saved.version)  # saving again now is deliberate and goes through
    assert second.post(f"/actions/{action.id}/edit", data={
        **opened, "what": "Team manager's wording", "version": version}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Action, action.id).what == "Team manager's wording"


def test_a_save_that_races_past_the_check_is_refused_by_the_version_column(make_action, line,
                                                                          world):
    action = make_action(line.practitioner)
    seen = action.version
    db.session.execute(update(Action).where(Action.id == action.id)
                       .values(version=Action.version + 1), execution_options={
                           "synchronize_session": False})
    update_action(action, world.coordinator, what="Mine", why=action.why,
                  owner=Owner(world.a, None, line.practitioner), due=None, priority="normal",
                  plan=None, seen_version=seen)
    with pytest.raises(StaleDataError):
        db.session.commit()
    db.session.rollback()
    assert db.session.get(Action, action.id).what == "Record the reason for the plan change"


def test_two_people_saving_the_same_action_plan(world, clock, login, app):
    plan = create_plan(world.p1, "Board action plan 2026", "Neglect audit", world.coordinator)
    db.session.commit()
    opened = {"name": plan.name, "description": plan.description, "status": "active",
              "version": str(plan.version)}
    first = login(world.coordinator)
    assert first.post(f"/actions/plans/{plan.id}/edit", data={
        **opened, "description": "Neglect audit: agreed at the March board"}).status_code == 302
    second = app.test_client()
    login_as(second, world.tm_a)
    response = second.post(f"/actions/plans/{plan.id}/edit", data={
        **opened, "name": "Board plan (TM edit)", "status": "closed"})
    assert response.status_code == 409
    page = response.text
    assert "Someone else saved this action plan after you opened it" in page
    assert "Neglect audit: agreed at the March board" in page  # what is saved now
    assert 'value="Board plan (TM edit)"' in page  # what they typed, still in the form
    assert "Closed" in page
    db.session.expire_all()
    saved = db.session.get(ActionPlan, plan.id)
    assert (saved.name, saved.status) == ("Board action plan 2026", "active")


def test_a_plan_name_is_unique_in_its_partnership(world, clock, login):
    create_plan(world.p1, "Board action plan", "", world.coordinator)
    db.session.commit()
    response = login(world.coordinator).post("/actions/plans/new", data={
        "partnership": str(world.p1.id), "name": "board ACTION plan"})
    assert response.status_code == 400
    assert "There is already an action plan with this name" in response.text
