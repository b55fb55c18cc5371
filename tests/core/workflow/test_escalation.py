"""Who an escalation reaches: line managers first, then the role nearest the team."""

from __future__ import annotations

import pytest

from core.extensions import db
from core.workflow.escalation import escalation_recipients, reminder_recipients
from tests.support.factories import make_team, make_user

pytestmark = pytest.mark.plugins("example")


def manage(person, manager) -> None:
    for membership in person.memberships:
        membership.line_manager_id = manager.id
    db.session.commit()


def test_the_team_manager_is_the_first_step_for_a_team(review, line):
    assert escalation_recipients(review, "team_manager") == ("team_manager", [line.tm])


def test_each_role_up_the_line_is_found_in_the_agency(review, line):
    found = {role: escalation_recipients(review, role)[1] for role in
             ("service_manager", "head_of_service", "assistant_director", "director")}
    assert found == {"service_manager": [line.sm], "head_of_service": [line.hos],
                     "assistant_director": [line.ad], "director": [line.dcs]}


def test_line_managers_win_over_other_holders_of_the_role(review, world, line):
    own_sm = make_user("service_manager", world.a, email="sm2.a@example.test")
    other_hos = make_user("head_of_service", world.a, email="hos2.a@example.test")
    manage(line.tm, own_sm)
    manage(own_sm, other_hos)
    assert escalation_recipients(review, "service_manager") == ("service_manager", [own_sm])
    assert escalation_recipients(review, "head_of_service") == ("head_of_service", [other_hos])


def test_the_line_is_followed_past_a_manager_who_holds_another_role(review, world, line):
    manage(line.tm, line.sm)
    manage(line.sm, line.hos)
    manage(line.hos, line.ad)
    assert escalation_recipients(review, "assistant_director") == ("assistant_director",
                                                                  [line.ad])


def test_a_holder_in_the_parent_team_comes_before_agency_wide_holders(review, world, line):
    service = make_team(world.a, "Safeguarding service")
    world.team_a.parent_id = service.id
    service_sm = make_user("service_manager", service, email="sm.service@example.test")
    db.session.commit()
    assert escalation_recipients(review, "service_manager")[1] == [service_sm]


def test_nobody_on_the_line_gives_no_recipients(review, line):
    for person in (line.sm, line.hos, line.ad, line.dcs):
        person.active = False
    db.session.commit()
    assert escalation_recipients(review, "service_manager") == ("service_manager", [])


def test_reminders_go_to_role_holders_and_named_people_once_each(review, line):
    people = reminder_recipients(review, ("qa_officer",), [line.qa.id, line.tm.id])
    assert people == sorted([line.qa, line.tm], key=lambda u: u.id)
