"""An action's life: progress, completion, sign-off for quality by the owner's line manager,
return with a reason, cancelling; and who is refused at each step."""

from __future__ import annotations

import pytest

from core.actions import service
from core.actions.models import Action
from core.actions.service import ActionInvalid, ActionRefused
from core.extensions import db
from tests.support.factories import make_user


def _reload(action: Action) -> Action:
    db.session.expire_all()
    return db.session.get(Action, action.id)


def test_the_owner_works_it_through_and_the_line_manager_signs_it_off(make_action, line, login,
                                                                     inbox):
    action = make_action(line.practitioner)
    owner = login(line.practitioner)
    assert owner.post(f"/actions/{action.id}/notes", data={"note": "Met the family"}
                      ).status_code == 302
    assert _reload(action).status == "in_progress"
    assert owner.post(f"/actions/{action.id}/complete", data={"summary": "Plan reviewed"}
                      ).status_code == 302
    action = _reload(action)
    assert (action.status, action.completed_by_id) == ("awaiting_sign_off", line.practitioner.id)
    assert (line.tm.id, "actions.awaiting_sign_off") in inbox()
    manager = login(line.tm)
    page = manager.get(f"/actions/{action.id}")
    assert "Sign off or return" in page.text and line.tm.name in page.text
    assert manager.post(f"/actions/{action.id}/sign-off", data={"judgement": "met_difference"}
                        ).status_code == 302
    action = _reload(action)
    assert (action.status, action.sign_off_judgement, action.signed_off_by_id) == (
        "signed_off", "met_difference", line.tm.id)
    kinds = [e.kind for e in action.entries]
    assert kinds[:4] == ["raised", "progress", "completed", "signed_off"]


def test_only_the_owners_line_manager_may_sign_off(make_action, line, world, login):
    action = make_action(line.practitioner)
    service.complete(action, line.practitioner, "Done")
    db.session.commit()
    for person in (line.hos, line.sm):  # further up the line, not the line manager
        response = login(person).post(f"/actions/{action.id}/sign-off",
                                      data={"judgement": "met"})
        assert response.status_code == 302
        assert _reload(action).status == "awaiting_sign_off"
    assert login(world.tm_b).post(f"/actions/{action.id}/sign-off",
                                  data={"judgement": "met"}).status_code == 404
    assert login(line.practitioner).post(f"/actions/{action.id}/sign-off",
                                         data={"judgement": "met"}).status_code == 403
    with pytest.raises(ActionRefused, match="line manager"):
        service.sign_off(action, line.hos, "met")
    with pytest.raises(ActionRefused, match="own"):
        service.sign_off(action, line.practitioner, "met")


def test_without_a_recorded_line_manager_the_team_manager_signs_off(make_action, world, clock):
    worker = make_user("practitioner", world.team_a, email="new.sw@example.test")
    db.session.commit()
    action = make_action(worker)
    service.complete(action, worker, "Done")
    service.sign_off(action, world.tm_a, "met")
    assert action.status == "signed_off"


def test_nobody_signs_off_an_action_they_completed_for_someone_else(make_action, line):
    action = make_action(line.practitioner)
    service.complete(action, line.tm, "Done on their behalf")
    with pytest.raises(ActionRefused, match="completed yourself"):
        service.sign_off(action, line.tm, "met")


def test_returning_needs_a_reason_and_tells_the_owner(make_action, line, login, inbox):
    action = make_action(line.practitioner)
    service.complete(action, line.practitioner, "Done")
    db.session.commit()
    manager = login(line.tm)
    refused = manager.post(f"/actions/{action.id}/sign-off", data={"judgement": "not_met"})
    assert refused.status_code == 400
    assert "Enter why it is returned" in refused.text
    assert manager.post(f"/actions/{action.id}/sign-off", data={
        "judgement": "not_met", "reason": "No evidence the child was seen"}).status_code == 302
    action = _reload(action)
    assert action.status == "returned"
    assert inbox()[-1] == (line.practitioner.id, "actions.returned")
    assert "No evidence the child was seen" in login(line.practitioner).get(
        f"/actions/{action.id}").text
    service.complete(action, line.practitioner, "Child seen on 4 March")
    service.sign_off(action, line.tm, "met")
    assert action.status == "signed_off"


def test_a_judgement_must_be_chosen_and_moves_are_refused_out_of_turn(make_action, line):
    action = make_action(line.practitioner)
    with pytest.raises(ActionRefused, match="awaiting sign-off"):
        service.sign_off(action, line.tm, "met")
    service.complete(action, line.practitioner, "Done")
    with pytest.raises(ActionInvalid) as caught:
        service.sign_off(action, line.tm, "excellent")
    assert set(caught.value.errors) == {"judgement"}
    with pytest.raises(ActionRefused, match="already completed"):
        service.complete(action, line.practitioner, "Again")
    service.sign_off(action, line.tm, "met")
    with pytest.raises(ActionRefused, match="signed off"):
        service.add_progress(action, line.practitioner, "Late note")


def test_someone_else_cannot_work_on_an_owned_action(make_action, line, world):
    action = make_action(line.practitioner)
    other = make_user("practitioner", world.team_a, email="other.sw@example.test")
    db.session.commit()
    with pytest.raises(ActionRefused, match="Only the owner"):
        service.add_progress(action, other, "Not mine")
    service.add_progress(action, line.tm, "The manager can add notes")


def test_a_manager_cancels_an_action_with_a_reason(make_action, line, login):
    action = make_action(line.practitioner)
    assert login(line.practitioner).get(f"/actions/{action.id}/cancel").status_code == 403
    manager = login(line.tm)
    assert manager.post(f"/actions/{action.id}/cancel", data={"reason": ""}).status_code == 400
    assert manager.post(f"/actions/{action.id}/cancel",
                        data={"reason": "Case closed"}).status_code == 302
    assert _reload(action).status == "cancelled"
    assert manager.get(f"/actions/{action.id}/edit").status_code == 302


def test_an_empty_note_is_refused_on_the_page_and_nothing_is_saved(make_action, line, login):
    action = make_action(line.practitioner)
    response = login(line.practitioner).post(f"/actions/{action.id}/notes", data={"note": " "})
    assert response.status_code == 400
    assert 'href="#note"' in response.text and "Enter the progress note" in response.text
    assert [e.kind for e in _reload(action).entries] == ["raised"]
