"""A practice week replaces that month's single-agency audit cycle through the
`qa_replaces_monthly_cycle` hook (no import between the plugins); with the practice week plugin
disabled, the single-agency cycle is drawn as usual."""

from __future__ import annotations

import random
from datetime import date

import pytest

from core.extensions import db
from plugins.practice_week.models import PracticeWeek
from plugins.single_agency import cycles


def plan_week(world, starts: date) -> PracticeWeek:
    week = PracticeWeek(agency_id=world.a.id, partnership_id=world.p1.id, title="Autumn week",
                        theme="The child's voice", starts_on=starts, ends_on=starts,
                        tool_key="practice_week.observation_pcf")
    db.session.add(week)
    db.session.commit()
    return week


def draw(world, month: int):
    programme = cycles.create_programme(world.a)
    cycle, drawn = cycles.draw_monthly(programme, 2026, month, random.Random(7))
    db.session.commit()
    return cycle, drawn


@pytest.mark.plugins("single_agency", "practice_week")
def test_a_planned_practice_week_replaces_that_months_audit_cycle(app, world):
    week = plan_week(world, date(2026, 10, 5))
    from core.toolkit import monthly_cycle_replaced_by

    assert monthly_cycle_replaced_by(world.a, 2026, 10) == f"Practice week {week.reference}"
    assert monthly_cycle_replaced_by(world.a, 2026, 11) is None
    assert monthly_cycle_replaced_by(world.b, 2026, 10) is None
    cycle, drawn = draw(world, 10)
    assert drawn and (cycle.kind, cycle.status) == ("practice_week", "replaced")
    assert cycle.audits == []


@pytest.mark.plugins("single_agency", "practice_week")
def test_other_months_are_drawn_as_usual(app, world):
    plan_week(world, date(2026, 10, 5))
    cycle, _ = draw(world, 11)
    assert (cycle.kind, cycle.status) != ("practice_week", "replaced")


@pytest.mark.plugins("single_agency")
def test_with_the_plugin_disabled_the_single_agency_cycle_is_intact(app, world):
    plan_week(world, date(2026, 10, 5))  # left in the table, but nobody answers for it
    cycle, drawn = draw(world, 10)
    assert drawn and cycle.kind == "monthly" and cycle.status != "replaced"
    assert app.url_map.bind("localhost").test("/practice_week/") is False


@pytest.mark.plugins("single_agency", "example")
def test_the_example_plugin_answers_qa_replaces_monthly_cycle(app, world):
    from tests.fixtures.plugins.example import views

    views.REPLACED_MONTHS.add((world.a.name, 2026, 10))
    try:
        cycle, _ = draw(world, 10)
    finally:
        views.REPLACED_MONTHS.discard((world.a.name, 2026, 10))
    assert cycle.status == "replaced"
