"""The visit schedule across months and bank holidays, its job, reminders and overdue flags."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from core.extensions import db
from core.jobs.scheduler import tick
from core.notifications.models import Notification
from core.workflow.models import SlaClock, WorkflowAlert
from core.workflow.sweep import run_sla_sweep
from plugins.reg44 import clock, schedule
from plugins.reg44.models import Visit
from tests.plugins.reg44 import helpers as h

pytestmark = pytest.mark.plugins("reg44")


def months(*pairs: tuple[int, int]) -> list[date]:
    return [date(y, m, 1) for y, m in pairs]


def planned(home) -> dict[date, date]:
    rows = db.session.scalars(select(Visit).where(Visit.home_id == home.id)
                              .order_by(Visit.month))
    return {v.month: v.due_on for v in rows}


@pytest.mark.parametrize(("month", "due"), [
    (date(2026, 8, 1), date(2026, 8, 28)),   # Monday 31 August is the summer bank holiday
    (date(2026, 5, 1), date(2026, 5, 29)),   # 31 May is a Sunday; 25 May a bank holiday
    (date(2026, 12, 1), date(2026, 12, 31)),  # Thursday 31 December is a working day
    (date(2027, 5, 1), date(2027, 5, 28)),   # Monday 31 May 2027 is the spring bank holiday
    (date(2026, 1, 1), date(2026, 1, 30)),   # 31 January 2026 is a Saturday
])
def test_a_visit_is_due_by_the_last_working_day_of_its_month(month, due):
    assert clock.last_working_day(month) == due


def test_a_monthly_home_gets_a_visit_every_month_across_the_year_end(r44, frozen):
    frozen.at(2026, 11, 2, 9, 0)
    result = schedule.generate(months((2026, 11), (2026, 12), (2027, 1), (2027, 2)))
    db.session.commit()
    assert planned(r44.home) == {date(2026, 11, 1): date(2026, 11, 30),
                                 date(2026, 12, 1): date(2026, 12, 31),
                                 date(2027, 1, 1): date(2027, 1, 29),
                                 date(2027, 2, 1): date(2027, 2, 26)}
    assert result.planned == {"2026-11": 1, "2026-12": 1, "2027-01": 1, "2027-02": 1}


def test_the_generated_visits_fall_due_before_each_months_bank_holidays(r44, frozen):
    frozen.at(2026, 5, 1, 9, 0)
    result = schedule.generate(months((2026, 5), (2026, 6), (2026, 7), (2026, 8)))
    db.session.commit()
    # 25 May is a bank holiday and 31 May a Sunday; Monday 31 August is a bank holiday
    assert planned(r44.home) == {date(2026, 5, 1): date(2026, 5, 29),
                                 date(2026, 6, 1): date(2026, 6, 30),
                                 date(2026, 7, 1): date(2026, 7, 31),
                                 date(2026, 8, 1): date(2026, 8, 28)}
    assert result.total == 4


def test_an_annual_commissioned_home_is_due_again_twelve_months_later(r44, frozen):
    hillside = h.make_home(r44.world, "Hillside", kind="commissioned", frequency="annual",
                           provider="Hillside Care Ltd", created=frozen.now)
    db.session.commit()
    year = [(2026, m) for m in range(3, 13)] + [(2027, m) for m in range(1, 5)]
    schedule.generate(months(*year))
    db.session.commit()
    assert list(planned(hillside)) == [date(2026, 3, 1), date(2027, 3, 1)]


def test_a_cancelled_visit_does_not_count_so_the_next_month_plans_another(r44, frozen):
    hillside = h.make_home(r44.world, "Hillside", kind="commissioned", frequency="annual",
                           created=frozen.now)
    db.session.commit()
    schedule.generate(months((2026, 3)))
    visit = db.session.scalar(select(Visit).where(Visit.home_id == hillside.id))
    visit.state = "cancelled"
    db.session.commit()
    schedule.generate(months((2026, 4)))
    assert date(2026, 4, 1) in planned(hillside)


def test_generating_twice_plans_nothing_new(r44):
    first = schedule.generate(months((2026, 3), (2026, 4)))
    db.session.commit()
    again = schedule.generate(months((2026, 3), (2026, 4)))
    assert (first.total, again.total, again.already) == (2, 0, 2)


def test_closed_homes_and_months_before_a_home_was_registered_get_no_visits(r44):
    r44.home.active = False
    hillside = h.make_home(r44.world, "Hillside", created=datetime(2026, 3, 2, tzinfo=UTC))
    db.session.commit()
    schedule.generate(months((2026, 2), (2026, 3)))
    assert planned(r44.home) == {}
    assert list(planned(hillside)) == [date(2026, 3, 1)]


def test_a_planned_visit_goes_to_the_assigned_person_with_the_tool_version_kept(r44):
    h.assign(r44.home, r44.visitor, date(2026, 3, 1))
    visit = h.plan(r44.home, date(2026, 3, 1))
    assert (visit.visitor_id, visit.state) == (r44.visitor.id, "scheduled")
    assert (visit.tool_key, visit.tool_version) == ("reg44.visit_report", 1)
    assert visit.reference == f"NB-R44-{r44.home.id}-2026-03"


def test_the_monthly_job_runs_on_the_first_at_six_and_plans_this_month_and_next(r44, frozen):
    frozen.at(2026, 6, 1, 5, 0)  # 06:00 in London (BST)
    started = tick(frozen.now)
    db.session.expire_all()
    assert len(started) >= 1
    assert list(planned(r44.home)) == [date(2026, 6, 1), date(2026, 7, 1)]
    assert tick(frozen.now) == []  # the slot is taken: it never runs twice


def test_the_visit_clock_reminds_the_visitor_and_flags_the_visit_overdue(r44, frozen, login):
    frozen.at(2026, 8, 3, 9, 0)
    h.assign(r44.home, r44.visitor, date(2026, 8, 1))
    visit = h.plan(r44.home, date(2026, 8, 1))
    clock_row = db.session.scalar(select(SlaClock).where(SlaClock.rule == "visit"))
    # due at the end of Friday 28 August (BST); remind 5 working days before: end of Friday 21
    assert clock_row.due_at == datetime(2026, 8, 28, 22, 59, 59, tzinfo=UTC)
    assert clock_row.remind_at == datetime(2026, 8, 21, 22, 59, 59, tzinfo=UTC)

    run_sla_sweep(datetime(2026, 8, 22, 8, 0, tzinfo=UTC))
    reminded = db.session.scalars(select(WorkflowAlert).where(WorkflowAlert.kind == "reminder"))
    assert [a.recipient_user_id for a in reminded] == [r44.visitor.id]

    frozen.at(2026, 8, 31, 9, 0)  # the bank holiday, after the deadline
    run_sla_sweep(frozen.now)
    db.session.commit()
    told = db.session.scalars(select(Notification).where(Notification.event == "reg44.overdue"))
    assert [n.recipient_id for n in told] == [r44.world.coordinator.id]
    page = login(r44.world.coordinator).get("/reg44/schedule?month=2026-08")
    assert "Visit overdue" in page.text and visit.home.name in page.text


def test_the_generate_button_runs_the_job_and_links_to_the_schedule(r44, login):
    client = login(r44.world.coordinator)
    response = client.post("/reg44/schedule", data={"month": "2026-04"})
    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]
    job_page = client.get(response.headers["Location"])
    assert "/reg44/schedule?month=2026-04" in job_page.text
    assert list(planned(r44.home)) == [date(2026, 4, 1)]


def test_the_generate_button_refuses_a_month_that_is_not_one(r44, login):
    response = login(r44.world.coordinator).post("/reg44/schedule", data={"month": "April"})
    assert response.status_code == 400
    assert "Enter the month as YYYY-MM" in response.text


def test_people_who_do_not_plan_visits_cannot_generate_the_schedule(r44, login):
    assert login(r44.visitor).post("/reg44/schedule", data={"month": "2026-04"}
                                   ).status_code == 403
