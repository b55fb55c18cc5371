"""Raising actions: the fields are checked, defaults follow the priority, the owner is told."""

from __future__ import annotations

from datetime import date

import pytest

from core.actions.models import Action
from core.actions.service import ActionInvalid, ActionSource, actions_for, raise_action
from core.extensions import db


def test_an_action_gets_the_default_due_date_of_its_priority_in_working_days(make_action,
                                                                            line):
    normal = make_action(line.practitioner)
    urgent = make_action(line.practitioner, priority="safeguarding")
    assert normal.due_date == date(2026, 3, 30)  # 20 working days after Monday 2 March
    assert urgent.due_date == date(2026, 3, 9)  # 5 working days
    assert (normal.status, normal.reference) == ("open", f"ACT-{normal.id:05d}")


def test_the_default_due_dates_are_settings(app, make_action, line):
    app.config["ACTIONS"] = {"due_working_days": {"normal": 10, "safeguarding": 1}}
    assert make_action(line.practitioner).due_date == date(2026, 3, 16)
    assert make_action(line.practitioner, priority="safeguarding").due_date == date(2026, 3, 3)


def test_the_owning_agency_comes_from_the_owner_when_they_work_for_one(make_action, world,
                                                                       line):
    action = make_action(line.practitioner)
    assert (action.owner_agency_id, action.owner_team_id) == (world.a.id, world.team_a.id)


def test_every_problem_is_named_on_its_field_at_once(world, clock, line):
    with pytest.raises(ActionInvalid) as caught:
        raise_action(partnership=world.p1, what=" ", why="x" * 4001, owner_agency=world.c,
                     owner_user=world.tm_b, due=date(2026, 3, 1), priority="urgent")
    assert caught.value.errors == {
        "what": "Enter what is to be done",
        "why": "Why (the finding it answers) must be 4000 characters or fewer",
        "owner_agency": "The owning agency must be part of the partnership",
        "owner_email": "The owner must be an active person in the owning agency",
        "priority": "Select the priority",
    }
    with pytest.raises(ActionInvalid) as caught:
        raise_action(partnership=world.p1, what="w", why="y", owner_agency=world.a,
                     due=date(2026, 3, 1))
    assert caught.value.errors == {"due_date": "The due date must be today or in the future"}
    assert db.session.scalars(db.select(Action)).all() == []


def test_the_owner_is_told_in_the_inbox_and_by_email_with_no_free_text(make_action, line,
                                                                       inbox, outbox):
    action = make_action(line.practitioner, what="Speak to ZZSECRET about the plan")
    assert inbox() == [(line.practitioner.id, "actions.assigned")]
    (mail,) = outbox()
    assert mail["to"] == line.practitioner.email
    assert action.reference in mail["subject"]
    assert "ZZSECRET" not in mail["subject"] + mail["body"]
    assert f"/actions/{action.id}" in mail["body"]


def test_an_activity_lists_the_actions_it_raised_by_its_reference(make_action, world, line):
    first = make_action(line.practitioner, source=ActionSource("single_agency", "AUD-1"))
    make_action(line.practitioner, source=ActionSource("single_agency", "AUD-2"))
    make_action(line.practitioner)
    assert actions_for(ActionSource("single_agency", "AUD-1")) == [first]
    assert len(actions_for("single_agency")) == 2
    assert actions_for("single_agency", "AUD-1", user=world.tm_c) == []
    assert actions_for("single_agency", "AUD-1", user=world.tm_a) == [first]


@pytest.mark.plugins("example")
def test_the_example_plugin_raises_an_action_through_the_toolkit(world, login, clock):
    from tests.fixtures.plugins.example import follow_up
    from tests.fixtures.plugins.example.views import Note

    note = Note(agency_id=world.a.id, text="Practice in the last six months")
    db.session.add(note)
    db.session.commit()
    response = login(world.tm_a).post(f"/example/{note.id}/actions", data={
        "what": "Review the plan with the family", "why": "No review for six months"})
    assert response.status_code == 302
    (action,) = follow_up.follow_ups(note)
    assert (action.source_activity, action.source_ref) == ("example", f"EX-N{note.id:05d}")
    assert response.headers["Location"].endswith(f"/actions/{action.id}")
    refused = login(world.tm_a).post(f"/example/{note.id}/actions", data={"what": ""})
    assert refused.status_code == 400
    assert set(refused.json["errors"]) == {"what", "why"}
