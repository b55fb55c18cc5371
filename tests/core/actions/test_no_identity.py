"""Actions about a coded case show the code, never the child's identity: not on the tracker,
the action page, the plan board, a closing-the-loop record, an email or an export row."""

from __future__ import annotations

import pytest

from core.actions.plans import create_plan
from core.actions.queries import action_rows
from core.actions.service import ActionSource
from core.cases.service import register_case
from core.extensions import db
from core.loop.service import create_record, link_action
from tests.core.cases.conftest import attributes, identity, leaks


@pytest.fixture
def canary_case(world):
    case = register_case(world.p1, world.a, identity(), attributes(team_id=world.team_a.id),
                         by=world.coordinator)
    db.session.commit()
    return case


def test_no_identity_on_any_action_page_of_someone_without_reveal(make_action, world, line,
                                                                  canary_case, login, outbox):
    plan = create_plan(world.p1, "Board plan", "", world.coordinator)
    action = make_action(line.practitioner, plan=plan,
                         source=ActionSource("single_agency", "AUD-9", canary_case))
    record = create_record(world.p1, {"title": "Supervision"}, world.coordinator)
    link_action(record, action)
    db.session.commit()
    for person in (line.tm, line.practitioner, world.coordinator):
        client = login(person)
        pages = [f"/actions/{action.id}", "/actions/", f"/actions/plans/{plan.id}",
                 f"/actions/{action.id}/edit", f"/closing-the-loop/{record.id}"]
        for url in pages:
            response = client.get(url)
            if response.status_code == 200:
                assert leaks(response.text) == [], f"{url} as {person.email}"
        assert canary_case.code in client.get(f"/actions/{action.id}").text
    for mail in outbox():
        assert leaks(mail["subject"] + mail["body"]) == []
    (row,) = action_rows(world.coordinator, {})
    assert row["case_code"] == canary_case.code
    assert leaks(repr(row)) == []


def test_a_case_code_must_be_one_the_person_can_see(make_action, world, line, login,
                                                    canary_case):
    response = login(world.tm_b).post("/actions/new", data={
        "partnership": str(world.p1.id), "what": "Check the referral", "why": "Finding",
        "owner_agency": str(world.b.id), "case_code": canary_case.code, "priority": "normal"})
    assert response.status_code == 400
    assert "Enter the code of a case in this partnership that you can see" in response.text
