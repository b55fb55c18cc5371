"""The submission deadline on the return page and the grid (late returns marked by the end of
the London day, not the UTC one), who submitted what on the check-point grid, the warning of
unsubmitted returns before the consultation meeting, check-point dates and stages, and the
end of the tracking period on the London date."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from core.extensions import db
from plugins.multi_agency import lifecycle, programme
from plugins.multi_agency.deadlines import deadline_ends, deadline_of, submitted_late
from plugins.multi_agency.problems import Invalid, Refused
from plugins.multi_agency.progress import progress_of
from plugins.multi_agency.returns import return_of, save_return
from plugins.multi_agency.tracking import tracking_until
from tests.plugins.multi_agency.conftest import complete, start
from tests.support.clock import freeze

DEADLINE = date(2027, 6, 16)  # a Wednesday in British Summer Time
CLOCKS = ("plugins.multi_agency.clock.utcnow", "plugins.multi_agency.returns.utcnow",
          "plugins.multi_agency.lifecycle.utcnow", "plugins.multi_agency.programme.utcnow")


@pytest.fixture
def clock(monkeypatch):
    return freeze(monkeypatch, datetime(2027, 6, 2, 9, 0, tzinfo=UTC), *CLOCKS)


@pytest.fixture
def timed(audit, clock):
    """The audit on a fixed summer timetable, auditing started on 2 June 2027."""
    audit.pre_meeting_on, audit.submission_deadline = date(2027, 6, 1), DEADLINE
    audit.consultation_on, audit.report_due_on = date(2027, 6, 23), date(2027, 7, 7)
    db.session.commit()
    return audit


def _date(name: str, day: date) -> dict[str, str]:
    return {f"{name}-day": str(day.day), f"{name}-month": str(day.month),
            f"{name}-year": str(day.year)}


def _form(agency_type: str) -> dict[str, str]:
    data = complete(agency_type)
    return {**{f"grades.{k}": v for k, v in data.grades.items()},
            **{f"answers.{k}": v for k, v in data.answers.items()},
            "overall": data.overall, "evidence": data.evidence,
            "what_worked": data.what_worked, "what_did_not": data.what_did_not,
            "action": "submit"}


def _cell(page: str, code: str, agency_id: int) -> str:
    found = re.search(rf'data-testid="cell-{code}-{agency_id}">(.*?)</td>', page, re.S)
    assert found, f"no grid cell for {code}/{agency_id}"
    return found.group(1)


def test_the_deadline_day_ends_at_london_midnight_not_utc_midnight(timed, ma, clock):
    start(timed, ma)
    assert deadline_ends(timed) == datetime(2027, 6, 16, 23, 0, tzinfo=UTC)
    clock.at(2027, 6, 16, 22, 30)  # 23:30 in London on the deadline day
    on_time, _ = save_return(timed, timed.cases[0], ma.b.id, ma.lead_b, complete("police"),
                             submit=True)
    clock.at(2027, 6, 16, 23, 30)  # 00:30 on 17 June in London, still 16 June in UTC
    late, _ = save_return(timed, timed.cases[1], ma.b.id, ma.lead_b, complete("police"),
                          submit=True)
    db.session.commit()
    assert not submitted_late(on_time) and submitted_late(late)
    assert not submitted_late(return_of(timed.cases[2], ma.b.id))


def test_the_grid_shows_status_auditor_and_london_date_and_marks_late_returns(
        timed, ma, clock, login):
    start(timed, ma)
    clock.at(2027, 6, 16, 22, 30)
    save_return(timed, timed.cases[0], ma.b.id, ma.lead_b, complete("police"), submit=True)
    clock.at(2027, 6, 16, 23, 30)
    save_return(timed, timed.cases[1], ma.b.id, ma.lead_b, complete("police"), submit=True)
    save_return(timed, timed.cases[2], ma.a.id, ma.lead_a, complete("childrens_services"))
    db.session.commit()
    page = login(ma.coordinator).get(f"/multi-agency/{timed.id}/progress").text
    on_time = _cell(page, timed.cases[0].code, ma.b.id)
    assert "Submitted</strong>" in on_time and "Submitted late" not in on_time
    assert "Auditor: Bo Police" in on_time and "Submitted 16 June 2027" in on_time
    late = _cell(page, timed.cases[1].code, ma.b.id)
    assert "Submitted late" in late and "Submitted 17 June 2027" in late
    draft = _cell(page, timed.cases[2].code, ma.a.id)
    assert "Draft" in draft and "Auditor: Ada Council" in draft and "Submitted " not in draft
    assert '<th scope="col" class="govuk-table__header">Case</th>' in page
    assert f'<th scope="row" class="govuk-table__header"><a class="govuk-link" href="' \
           f'/multi-agency/{timed.id}/cases/{timed.cases[1].code}"' in page
    assert f'<span class="govuk-visually-hidden"> \u2013 Northbrook Police, case ' \
           f'{timed.cases[1].code}</span>' in page
    cells = progress_of(timed, ma.coordinator).rows[1][1]
    assert cells[ma.b.id].label == "Submitted late" and cells[ma.b.id].late


def test_a_reopening_request_on_a_late_return_still_says_it_was_late(timed, ma, clock, login):
    start(timed, ma)
    clock.at(2027, 6, 18, 10, 0)
    ret, _ = save_return(timed, timed.cases[0], ma.b.id, ma.lead_b, complete("police"),
                         submit=True)
    ret.reopen_reason, ret.reopen_requested_at = "A grade was entered wrongly.", clock.now
    db.session.commit()
    cell = _cell(login(ma.coordinator).get(f"/multi-agency/{timed.id}/progress").text,
                 timed.cases[0].code, ma.b.id)
    assert "Reopen requested" in cell and "Submitted late" in cell


def test_the_return_page_shows_the_deadline_and_warns_once_it_has_passed_without_blocking(
        timed, ma, clock, login):
    start(timed, ma)
    url = f"/multi-agency/{timed.id}/cases/{timed.cases[0].code}/returns/{ma.b.id}"
    client = login(ma.lead_b)
    clock.at(2027, 6, 16, 22, 59)  # 23:59 in London: still the deadline day
    page = client.get(url).text
    assert "Submission deadline: 16 June 2027" in page
    assert 'data-testid="deadline-passed"' not in page
    clock.at(2027, 6, 16, 23, 1)  # 00:01 on 17 June in London
    assert deadline_of(timed).passed
    page = client.get(url).text
    assert 'data-testid="deadline-passed"' in page
    assert "The submission deadline of 16 June 2027 has passed" in page
    assert client.post(url, data=_form("police")).status_code == 303
    page = client.get(url).text
    assert 'data-testid="submitted-late"' in page and "Submitted 17 June 2027" in page
    assert 'data-testid="deadline-passed"' not in page
    assert return_of(timed.cases[0], ma.b.id).submitted


def test_the_consultation_page_warns_how_many_returns_are_missing_per_agency(
        timed, ma, clock, login):
    start(timed, ma)
    save_return(timed, timed.cases[0], ma.b.id, ma.lead_b, complete("police"), submit=True)
    save_return(timed, timed.cases[1], ma.b.id, ma.lead_b, complete("police"))
    db.session.commit()
    assert lifecycle.unsubmitted_returns(timed) == [
        ("Northbrook Council", 8), ("Northbrook Police", 7), ("Northbrook Health", 8)]
    url = f"/multi-agency/{timed.id}/consultation"
    page = login(ma.coordinator).get(url).text
    assert 'data-testid="unsubmitted-returns"' in page
    assert "23 returns are still not submitted: Northbrook Council (8), Northbrook Police " \
           "(7), Northbrook Health (8)." in page
    assert 'data-testid="unsubmitted-returns"' not in login(ma.lead_b).get(url).text
    clock.at(2027, 6, 23, 15, 0)
    answer = login(ma.coordinator).post(url, data=_date("held_on", date(2027, 6, 23)))
    assert answer.status_code == 303
    db.session.refresh(timed)
    assert timed.status == "consultation"


def test_no_warning_once_every_return_is_in(timed, ma, clock, login):
    start(timed, ma)
    for selected in timed.cases:
        for agency, lead, kind in ((ma.a, ma.lead_a, "childrens_services"),
                                   (ma.b, ma.lead_b, "police"), (ma.h, ma.lead_h, "health")):
            save_return(timed, selected, agency.id, lead, complete(kind), submit=True)
    db.session.commit()
    assert lifecycle.unsubmitted_returns(timed) == []
    page = login(ma.coordinator).get(f"/multi-agency/{timed.id}/consultation").text
    assert 'data-testid="unsubmitted-returns"' not in page


@pytest.mark.parametrize(("day", "message"), [
    (date(2027, 5, 28), "The check point must be on or after the date of the pre-meeting "
                        "(1 June 2027)"),
    (date(2027, 6, 17), "The check point must be on or before the submission deadline "
                        "(16 June 2027)"),
])
def test_a_check_point_outside_the_returns_window_is_a_field_error(timed, ma, login, day,
                                                                   message):
    with pytest.raises(Invalid) as raised:
        programme.add_checkpoint(timed, day, "Half the returns in")
    assert raised.value.errors == {"due_on": message}
    db.session.rollback()
    answer = login(ma.coordinator).post(f"/multi-agency/{timed.id}/checkpoints",
                                        data={"label": "Half the returns in",
                                              **_date("due_on", day)})
    assert answer.status_code == 400
    assert 'href="#due_on"' in answer.text and message in answer.text
    db.session.refresh(timed)
    assert timed.checkpoints == []


def test_check_points_on_the_pre_meeting_and_the_deadline_are_allowed(timed, ma, login):
    client = login(ma.coordinator)
    for day in (date(2027, 6, 1), DEADLINE):
        assert client.post(f"/multi-agency/{timed.id}/checkpoints",
                           data={"label": "Returns in", **_date("due_on", day)}
                           ).status_code == 303
    db.session.refresh(timed)
    assert [c.due_on for c in timed.checkpoints] == [date(2027, 6, 1), DEADLINE]


def test_check_points_are_refused_once_the_consultation_is_recorded(timed, ma, clock, login):
    client = login(ma.coordinator)
    assert client.post(f"/multi-agency/{timed.id}/checkpoints",
                       data={"label": "Half in", **_date("due_on", date(2027, 6, 9))}
                       ).status_code == 303
    start(timed, ma)
    clock.at(2027, 6, 23, 15, 0)
    lifecycle.record_consultation(timed, date(2027, 6, 23), date(2027, 6, 23), ma.coordinator)
    db.session.commit()
    checkpoint = timed.checkpoints[0]
    answer = client.post(f"/multi-agency/{timed.id}/checkpoints/{checkpoint.id}/review")
    assert answer.status_code == 409
    assert "Check points cannot be added or recorded once the consultation meeting" in \
        answer.text
    db.session.refresh(checkpoint)
    assert checkpoint.reviewed_at is None and checkpoint.submitted is None
    answer = client.post(f"/multi-agency/{timed.id}/checkpoints",
                         data={"label": "Late", **_date("due_on", date(2027, 6, 10))})
    assert answer.status_code == 409
    with pytest.raises(Refused):
        programme.review_checkpoint(timed, checkpoint, 1, 24, ma.coordinator)
    db.session.rollback()


def test_a_check_point_is_still_recorded_while_auditing(timed, ma, clock, login):
    client = login(ma.coordinator)
    client.post(f"/multi-agency/{timed.id}/checkpoints",
                data={"label": "Half in", **_date("due_on", date(2027, 6, 9))})
    start(timed, ma)
    save_return(timed, timed.cases[0], ma.b.id, ma.lead_b, complete("police"), submit=True)
    db.session.commit()
    checkpoint = timed.checkpoints[0]
    assert client.post(f"/multi-agency/{timed.id}/checkpoints/{checkpoint.id}/review"
                       ).status_code == 303
    db.session.refresh(checkpoint)
    assert (checkpoint.submitted, checkpoint.expected) == (1, 24)


@pytest.mark.parametrize(("reported_at", "months", "until"), [
    # 00:30 on 1 June in London (BST) is still 31 May in UTC
    (datetime(2027, 5, 31, 23, 30, tzinfo=UTC), 6, date(2027, 12, 1)),
    (datetime(2027, 5, 31, 22, 30, tzinfo=UTC), 6, date(2027, 11, 28)),
    # in winter London is on UTC: the same day either way
    (datetime(2027, 1, 15, 23, 30, tzinfo=UTC), 12, date(2028, 1, 15)),
])
def test_tracking_ends_months_after_the_london_day_of_the_report(audit, reported_at, months,
                                                                  until):
    audit.reported_at, audit.tracking_months = reported_at, months
    assert tracking_until(audit) == until
    audit.reported_at = None
    assert tracking_until(audit) is None
