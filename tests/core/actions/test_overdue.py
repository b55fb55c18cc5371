"""Overdue actions with a frozen clock: the owner first, then up the management line in UK
working days (Christmas and weekends skipped), each step once however often the job runs."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from flask import current_app
from sqlalchemy import select

from core.actions import service
from core.actions.models import ActionEscalation
from core.actions.overdue import run_overdue_check
from core.actions.service import ActionSource
from core.extensions import db
from tests.fixtures.plugins.example import follow_up

pytestmark = pytest.mark.plugins("example")


def morning(*ymd: int) -> datetime:
    return datetime(*ymd, 6, 30, tzinfo=UTC)  # the job's slot; GMT in winter


@pytest.fixture(autouse=True)
def _forget_overdue():
    follow_up.OVERDUE.clear()
    yield
    follow_up.OVERDUE.clear()


@pytest.fixture
def late_action(make_action, line, clock):
    """Raised on Monday 1 December 2025, due on Friday 19 December 2025."""
    clock.at(2025, 12, 1, 9, 0)
    action = make_action(line.practitioner, due=date(2025, 12, 19),
                         source=ActionSource("example", "EX-N00001"))
    return action


def told(inbox, *events: str) -> list[tuple[int, str]]:
    return [row for row in inbox() if row[1] in events]


def test_the_owner_then_each_manager_up_the_line_hears_once(late_action, line, inbox, outbox):
    assert run_overdue_check(datetime(2025, 12, 19, 22, 0, tzinfo=UTC)).checked == 0
    assert run_overdue_check(morning(2025, 12, 20)).skipped_day  # Saturday
    for _ in range(2):
        run_overdue_check(morning(2025, 12, 22))  # Monday: 1 working day overdue
    assert told(inbox, "actions.overdue", "actions.escalated") == [
        (line.practitioner.id, "actions.overdue")]
    run_overdue_check(morning(2025, 12, 23))  # 2 working days: the line manager
    run_overdue_check(morning(2025, 12, 23))
    run_overdue_check(morning(2025, 12, 24))
    assert run_overdue_check(morning(2025, 12, 25)).skipped_day  # Christmas Day
    assert run_overdue_check(morning(2025, 12, 31)).escalations == 0  # 6 working days
    run_overdue_check(morning(2026, 1, 2))  # 7 working days (Boxing Day, 1 Jan skipped)
    run_overdue_check(morning(2026, 1, 8))
    run_overdue_check(morning(2026, 1, 9))  # 12 working days: head of service
    run_overdue_check(morning(2026, 1, 9))
    run_overdue_check(morning(2026, 2, 2))  # no more steps, however late
    assert told(inbox, "actions.overdue", "actions.escalated") == [
        (line.practitioner.id, "actions.overdue"),
        (line.tm.id, "actions.escalated"),
        (line.sm.id, "actions.escalated"),
        (line.hos.id, "actions.escalated"),
    ]
    levels = db.session.scalars(select(ActionEscalation.level).order_by(ActionEscalation.id))
    assert list(levels) == [0, 1, 2, 3]
    subjects = [m["subject"] for m in outbox() if "overdue" in m["subject"].lower()]
    assert subjects[0] == f"Action {late_action.reference} is overdue"
    assert subjects[-1] == f"Overdue action {late_action.reference} escalated to you (level 3)"


def test_hook_qa_on_action_overdue_is_called_once_per_action_and_due_date(late_action):
    for moment in (morning(2025, 12, 22), morning(2025, 12, 22), morning(2025, 12, 23)):
        run_overdue_check(moment)
    assert [late_action.reference] == follow_up.OVERDUE


def test_a_safeguarding_action_reaches_the_line_manager_on_the_first_day(make_action, line,
                                                                         clock, inbox):
    clock.at(2025, 12, 15, 9, 0)
    make_action(line.practitioner, due=date(2025, 12, 19), priority="safeguarding")
    run_overdue_check(morning(2025, 12, 22))
    assert told(inbox, "actions.overdue", "actions.escalated") == [
        (line.practitioner.id, "actions.overdue"), (line.tm.id, "actions.escalated")]
    run_overdue_check(morning(2025, 12, 23))
    assert told(inbox, "actions.escalated")[-1] == (line.sm.id, "actions.escalated")


def test_completed_actions_are_not_chased_and_a_new_due_date_starts_again(late_action, line,
                                                                         inbox, clock):
    run_overdue_check(morning(2025, 12, 22))
    late_action.due_date = date(2026, 1, 9)
    db.session.commit()
    run_overdue_check(morning(2026, 1, 12))
    assert told(inbox, "actions.overdue") == [(line.practitioner.id, "actions.overdue")] * 2
    service.complete(late_action, line.practitioner, "Done at last")
    db.session.commit()
    assert run_overdue_check(morning(2026, 1, 20)).checked == 0


def test_an_action_owned_by_an_agency_alone_goes_to_its_managers(make_action, world, line,
                                                                 clock, inbox):
    clock.at(2025, 12, 1, 9, 0)
    make_action(agency=world.a, owner_team=world.team_a, due=date(2025, 12, 19))
    run_overdue_check(morning(2025, 12, 23))
    assert told(inbox, "actions.overdue", "actions.escalated") == [
        (line.tm.id, "actions.overdue"), (line.sm.id, "actions.escalated")]


def test_the_job_is_declared_and_scheduled(app):
    assert "core.actions_overdue" in current_app.extensions["job_types"]
    schedules = {s.name: s for _, s in current_app.extensions["schedules"]}
    assert schedules["core.actions_overdue"].job == "core.actions_overdue"
