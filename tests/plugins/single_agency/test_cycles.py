"""Drawing a monthly cycle, the programme's calendar, and sending allocations."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.cases.models import CaseAssignment
from core.extensions import db
from core.notifications.models import Notification
from plugins.single_agency import cycles
from plugins.single_agency.models import Cycle
from plugins.single_agency.settings import cycle_months

pytestmark = pytest.mark.plugins("single_agency")


def test_ten_cycles_with_august_and_september_paused_are_the_other_ten_months():
    assert cycle_months(4, 10, [8, 9]) == [4, 5, 6, 7, 10, 11, 12, 1, 2, 3]


def test_four_cycles_a_year_are_spread_a_quarter_apart():
    assert cycle_months(4, 4, []) == [4, 7, 10, 1]


def test_the_monthly_draw_takes_cases_from_every_team_and_proposes_auditors(
        programme, cases, council, rng):
    cycle, drawn = cycles.draw_monthly(programme, 2026, 3, rng)
    db.session.commit()
    assert drawn and cycle.kind == "monthly" and cycle.status == "draft"
    assert sorted(a.team_id for a in cycle.audits) == sorted(
        [council.team_a.id, council.care.id, council.safe.id])
    assert all(a.auditor_id is not None and a.state == "proposed" for a in cycle.audits)
    assert str(cycle.opens_on) == "2026-03-02" and str(cycle.due_on) == "2026-03-31"
    told = db.session.scalars(select(Notification.recipient_id).where(
        Notification.event == "single_agency.sample_drawn")).all()
    assert set(told) == {council.qa.id, council.qa_manager.id}


def test_a_month_is_drawn_once_however_often_the_draw_runs(programme, cases, rng):
    first, _ = cycles.draw_monthly(programme, 2026, 3, rng)
    again, drawn = cycles.draw_monthly(programme, 2026, 3, rng)
    assert again.id == first.id and not drawn
    assert db.session.scalar(select(db.func.count(Cycle.id))) == 1


def test_a_paused_month_has_no_cycle(programme, cases, rng):
    assert cycles.draw_monthly(programme, 2026, 8, rng) == (None, False)


def test_a_practice_week_month_replaces_the_cycle_and_draws_nothing(programme, cases, rng):
    programme.practice_week_months = [6]
    cycle, drawn = cycles.draw_monthly(programme, 2026, 6, rng)
    assert drawn and cycle.status == "replaced" and cycle.audits == []


def test_sending_assigns_each_auditor_to_the_case_and_tells_everyone(
        programme, cases, council, rng):
    cycle, _ = cycles.draw_monthly(programme, 2026, 3, rng)
    sent = cycles.send(cycle, council.qa)
    db.session.commit()
    assert all(a.state == "allocated" for a in sent) and cycle.status == "sent"
    audit = next(a for a in sent if a.team_id == council.team_a.id)
    open_assignment = db.session.scalar(select(CaseAssignment).where(
        CaseAssignment.case_id == audit.case_id, CaseAssignment.user_id == audit.auditor_id,
        CaseAssignment.closed_at.is_(None)))
    assert open_assignment.reference == audit.reference
    events = {(n.recipient_id, n.event) for n in db.session.scalars(select(Notification))}
    assert (audit.auditor_id, "single_agency.allocated") in events
    assert (council.practitioner_a.id, "single_agency.case_selected") in events
    assert (council.tm_a.id, "single_agency.case_selected") in events
