"""Who sees which actions: scoped in the query, 404 for everything else."""

from __future__ import annotations

from datetime import date

from core.actions.plans import create_plan
from core.actions.queries import ActionFilters, action_rows
from core.actions.service import ActionSource, raise_action
from core.extensions import db


def _in_p2(world, clock):
    action = raise_action(partnership=world.p2, what="Southern action", why="p2 finding",
                          owner_agency=world.c, by=world.tm_c)
    plan = create_plan(world.p2, "Southmere board plan", "", world.tm_c)
    db.session.commit()
    return action, plan


def test_an_agency_b_user_cannot_list_or_open_agency_a_actions(make_action, world, line, login):
    mine = make_action(agency=world.b, what="Police action")
    theirs = make_action(line.practitioner, what="Council action")
    client = login(world.tm_b)
    listed = client.get("/actions/").text
    assert mine.reference in listed and theirs.reference not in listed
    assert client.get(f"/actions/{theirs.id}").status_code == 404
    for page in ("edit", "complete", "sign-off", "cancel"):
        assert client.get(f"/actions/{theirs.id}/{page}").status_code == 404
    assert client.post(f"/actions/{theirs.id}/notes", data={"note": "x"}).status_code == 404
    assert client.get(f"/actions/{mine.id}").status_code == 200


def test_another_partnerships_actions_and_plans_are_not_found(make_action, world, clock, login):
    action, plan = _in_p2(world, clock)
    client = login(world.coordinator)
    assert action.reference not in client.get("/actions/").text
    assert client.get(f"/actions/{action.id}").status_code == 404
    assert client.get(f"/actions/plans/{plan.id}").status_code == 404
    assert client.get(f"/actions/plans/{plan.id}/edit").status_code == 404
    assert "Southmere board plan" not in client.get("/actions/plans").text
    assert client.get(f"/actions/?partnership={world.p2.id}").text.count("ACT-") == 0


def test_the_coordinator_sees_every_agency_of_their_partnership(make_action, world, line,
                                                                login):
    a = make_action(line.practitioner)
    b = make_action(agency=world.b)
    listed = login(world.coordinator).get("/actions/").text
    assert a.reference in listed and b.reference in listed


def test_an_owner_without_the_view_permission_sees_only_their_own(make_action, world, line,
                                                                  login):
    mine = make_action(line.practitioner)
    other = make_action(agency=world.a)
    client = login(line.practitioner)
    listed = client.get("/actions/").text
    assert mine.reference in listed and other.reference not in listed
    assert client.get(f"/actions/{mine.id}").status_code == 200
    assert client.get(f"/actions/{other.id}").status_code == 404
    assert client.get("/actions/plans").status_code == 403


def test_the_tracker_filters_by_agency_owner_source_status_and_overdue(make_action, world, line,
                                                                      clock, login):
    audit = make_action(line.practitioner, source=ActionSource("single_agency", "AUD-7"))
    police = make_action(agency=world.b)
    late = make_action(line.practitioner, due=date(2026, 3, 3))
    clock.at(2026, 3, 5, 9, 0)
    client = login(world.coordinator)

    def refs(query: str) -> set[str]:
        text = client.get(f"/actions/?{query}").text
        return {a.reference for a in (audit, police, late) if a.reference in text}

    assert refs(f"agency={world.b.id}") == {police.reference}
    assert refs(f"owner={line.practitioner.id}") == {audit.reference, late.reference}
    assert refs("source=single_agency") == {audit.reference}
    assert refs("overdue=yes") == {late.reference}
    assert refs(f"team={world.team_a.id}") == {audit.reference, late.reference}
    assert refs("status=signed_off") == set()
    assert refs("status=nonsense&agency=x") == {a.reference for a in (audit, police, late)}


def test_export_rows_are_scoped_and_carry_case_codes_only(make_action, world, line, clock):
    make_action(line.practitioner)
    make_action(agency=world.b)
    _in_p2(world, clock)
    rows = action_rows(world.tm_b, {})
    assert [r["agency"] for r in rows] == [world.b.name]
    assert len(action_rows(world.coordinator, ActionFilters())) == 2
    assert set(rows[0]) >= {"reference", "case_code", "due_date", "status", "overdue"}
