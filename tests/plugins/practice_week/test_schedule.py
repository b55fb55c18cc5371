"""Planning a practice week and its schedule: clashes and direct-report pairings refused."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from core.extensions import db
from core.notifications.models import Notification
from plugins.practice_week import schedule
from plugins.practice_week.forms import Invalid
from plugins.practice_week.models import Observation, PracticeWeek
from tests.plugins.practice_week import helpers as h


def test_the_qa_team_plans_a_week_with_its_theme_and_leaders(pw, login):
    client = login(pw.qa)
    page = client.post("/practice_week/weeks/new", data=h.week_form())
    assert page.status_code == 302
    week = db.session.scalar(select(PracticeWeek))
    assert (week.theme, week.starts_on, week.agency_id) == ("The child's voice",
                                                           date(2026, 10, 5), pw.w.a.id)
    added = client.post(f"/practice_week/weeks/{week.id}/leaders",
                        data={"leader": str(pw.dcs.id), "capacity": "dcs"})
    assert added.status_code == 302
    assert [leader.user_id for leader in week.leaders] == [pw.dcs.id]


def test_a_week_longer_than_seven_days_is_refused_next_to_the_field(pw, login):
    page = login(pw.qa).post("/practice_week/weeks/new",
                             data=h.week_form(ends=date(2026, 10, 20)))
    assert page.status_code == 400
    assert "The last day must be on or after the first, within 7 days" in page.text
    assert 'id="ends_on-error"' in page.text
    assert db.session.scalar(select(PracticeWeek)) is None


def test_a_practitioner_cannot_plan_a_week(pw, login):
    assert login(pw.sw1).post("/practice_week/weeks/new", data=h.week_form()).status_code == 403


def test_an_observation_is_scheduled_with_its_workflow(pw):
    week = h.make_week(pw, pw.dcs, pw.hos)
    obs = h.observe(pw, week, pw.dcs, pw.sw1)
    assert (obs.state, obs.team_id, obs.tool_key) == ("scheduled", pw.w.team_a.id, h.TOOL)


def test_a_leader_cannot_be_in_two_observations_at_once(pw):
    week = h.make_week(pw, pw.dcs, pw.hos)
    first = h.observe(pw, week, pw.dcs, pw.sw1)
    with pytest.raises(Invalid) as refused:
        schedule.schedule(pw.w.a.id, pw.w.p1.id, week,
                          h.slot(pw.dcs, pw.sw3, starts="11:00", ends="12:00"), pw.qa)
    assert refused.value.errors == {"observer": f"Dana Director is already in observation "
                                                f"{first.reference} on 6 October at 10:00: "
                                                "choose another time"}


def test_a_practitioner_cannot_be_observed_twice_at_once(pw):
    week = h.make_week(pw, pw.dcs, pw.hos)
    h.observe(pw, week, pw.dcs, pw.sw1)
    with pytest.raises(Invalid) as refused:
        schedule.schedule(pw.w.a.id, pw.w.p1.id, week,
                          h.slot(pw.hos, pw.sw1, starts="09:00", ends="10:30"), pw.qa)
    assert set(refused.value.errors) == {"practitioner"}


def test_back_to_back_observations_do_not_clash(pw):
    week = h.make_week(pw, pw.dcs, pw.hos)
    h.observe(pw, week, pw.dcs, pw.sw1)
    later = h.observe(pw, week, pw.dcs, pw.sw2, starts="11:30", ends="12:30")
    assert later.id is not None


def test_a_leader_cannot_observe_their_own_direct_report(pw):
    week = h.make_week(pw, pw.hos)
    with pytest.raises(Invalid) as refused:
        schedule.schedule(pw.w.a.id, pw.w.p1.id, week, h.slot(pw.hos, pw.tm), pw.qa)
    assert refused.value.errors["practitioner"] == (
        "Tara Manager reports directly to Hari Head: choose a leader outside their line "
        "management")
    assert db.session.scalar(select(Observation)) is None


def test_the_schedule_page_shows_both_refusals_next_to_the_fields(pw, login):
    week = h.make_week(pw, pw.dcs, pw.hos)
    h.observe(pw, week, pw.dcs, pw.sw1)
    client = login(pw.qa)
    page = client.post(f"/practice_week/weeks/{week.id}/observations/new",
                       data=h.slot(pw.hos, pw.tm, starts="10:30", ends="11:00"))
    assert page.status_code == 400
    assert "reports directly to Hari Head" in page.text
    assert 'href="#practitioner"' in page.text


def test_an_observation_outside_the_week_is_refused(pw):
    week = h.make_week(pw, pw.dcs)
    with pytest.raises(Invalid) as refused:
        schedule.schedule(pw.w.a.id, pw.w.p1.id, week,
                          h.slot(pw.dcs, pw.sw1, day=date(2026, 10, 12)), pw.qa)
    assert refused.value.errors == {"on": "The date must be during the practice week"}


def test_only_the_weeks_leaders_can_observe_in_it(pw):
    week = h.make_week(pw, pw.dcs)
    with pytest.raises(Invalid) as refused:
        schedule.schedule(pw.w.a.id, pw.w.p1.id, week, h.slot(pw.hos, pw.sw1), pw.qa)
    assert refused.value.errors == {"observer": "Select who will observe"}


def test_telling_everyone_notifies_leaders_and_practitioners(pw, login):
    week = h.make_week(pw, pw.dcs, pw.hos)
    h.observe(pw, week, pw.dcs, pw.sw1)
    page = login(pw.qa).post(f"/practice_week/weeks/{week.id}/notify")
    assert page.status_code == 302
    told = {n.recipient_id for n in db.session.scalars(select(Notification))}
    assert told == {pw.dcs.id, pw.sw1.id, pw.hos.id}
    assert db.session.get(PracticeWeek, week.id).status == "notified"


def test_telling_everyone_needs_a_schedule(pw, login):
    week = h.make_week(pw, pw.dcs)
    page = login(pw.qa).post(f"/practice_week/weeks/{week.id}/notify")
    assert page.status_code == 400
    assert "Schedule at least one observation before telling people" in page.text


def test_a_manager_arranges_an_annual_observation_outside_practice_week(pw, login):
    client = login(pw.tm)
    data = {**h.slot(pw.dcs, pw.sw3, day=date(2026, 11, 2)), "kind": "annual",
            "tool_key": "practice_week.observation_standards"}
    page = client.post("/practice_week/observations/request", data=data)
    assert page.status_code == 302
    obs = db.session.scalar(select(Observation))
    assert (obs.week_id, obs.kind, obs.requested_by_id) == (None, "annual", pw.tm.id)
    assert {n.recipient_id for n in db.session.scalars(select(Notification))} == {
        pw.dcs.id, pw.sw3.id}


def test_another_councils_week_is_not_found(pw, login):
    from tests.support.factories import make_user

    week = h.make_week(pw, pw.dcs)
    outsider = make_user("qa_officer", pw.w.c, email="qa.c@example.test")
    db.session.commit()
    assert login(outsider).get(f"/practice_week/weeks/{week.id}").status_code == 404


def test_the_qa_team_cancels_a_scheduled_observation_and_frees_the_slot(pw, login):
    week = h.make_week(pw, pw.dcs)
    obs = h.observe(pw, week, pw.dcs, pw.sw1)
    client = login(pw.qa)
    refused = client.post(f"/practice_week/observations/{obs.id}/cancel",
                          data={"version": str(obs.version)})
    assert refused.status_code == 400 and "Enter why the observation is cancelled" in refused.text
    page = client.post(f"/practice_week/observations/{obs.id}/cancel",
                       data={"version": str(obs.version), "reason": "The visit was moved"})
    assert page.status_code == 302
    assert (obs.state, obs.cancelled_reason) == ("cancelled", "The visit was moved")
    again = h.observe(pw, week, pw.dcs, pw.sw1)  # the same time is free again
    assert again.state == "scheduled"


def test_an_observer_cannot_cancel(pw, login):
    week = h.make_week(pw, pw.dcs)
    obs = h.observe(pw, week, pw.dcs, pw.sw1)
    page = login(pw.dcs).post(f"/practice_week/observations/{obs.id}/cancel",
                              data={"version": str(obs.version), "reason": "No"})
    assert page.status_code == 403
