"""The scheduled job opens each council's cycle on the first working day of a cycle month."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from core.extensions import db
from core.jobs.scheduler import tick
from plugins.single_agency import jobs
from plugins.single_agency.models import Cycle

pytestmark = pytest.mark.plugins("single_agency")


def cycles_drawn():
    return [(c.slot, c.kind, c.status) for c in db.session.scalars(select(Cycle).order_by(
        Cycle.id))]


def test_the_first_working_day_of_a_cycle_month_draws_the_sample_once(
        programme, cases, frozen):
    frozen.at(2026, 6, 1, 6, 0)  # Monday 1 June, 7am in London
    assert jobs.start_cycles() == {"drawn": 1, "failed": 0}
    assert jobs.start_cycles() == {"drawn": 0, "failed": 0}
    assert cycles_drawn() == [("2026-06", "monthly", "draft")]


def test_a_bank_holiday_moves_the_first_working_day(programme, cases, frozen):
    frozen.at(2027, 1, 1, 7, 0)  # New Year's Day
    assert jobs.start_cycles()["drawn"] == 0
    frozen.at(2027, 1, 4, 7, 0)  # Monday 4 January 2027
    assert jobs.start_cycles()["drawn"] == 1


def test_nothing_is_drawn_in_a_paused_month_or_after_the_first_days(programme, cases, frozen):
    frozen.at(2026, 8, 3, 6, 0)
    assert jobs.start_cycles()["drawn"] == 0
    frozen.at(2026, 6, 15, 6, 0)
    assert jobs.start_cycles()["drawn"] == 0
    assert cycles_drawn() == []


def test_a_missed_first_day_is_caught_up_within_the_first_week(programme, cases, frozen):
    frozen.at(2026, 6, 3, 6, 0)  # Wednesday: the scheduler was down on Monday and Tuesday
    assert jobs.start_cycles()["drawn"] == 1


def test_an_inactive_programme_is_not_drawn(programme, cases, frozen):
    programme.active = False
    db.session.commit()
    frozen.at(2026, 6, 1, 6, 0)
    assert jobs.start_cycles()["drawn"] == 0


def test_the_scheduler_runs_the_job_on_weekday_mornings(app, programme, cases, frozen):
    frozen.at(2026, 6, 1, 6, 0)
    schedules = {s.name: s for _, s in app.extensions["schedules"]}
    assert schedules["single_agency.start_cycles"].cron == "0 7 * * 1-5"
    tick(datetime(2026, 6, 1, 6, 0, 30, tzinfo=UTC))
    db.session.expire_all()
    assert cycles_drawn() == [("2026-06", "monthly", "draft")]
