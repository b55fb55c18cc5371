"""Recording a visit and writing its report page by page: validation, the report clock,
finishing, reopening, distribution and the home's responses."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from core.extensions import db
from core.workflow.models import SlaClock
from plugins.reg44.models import ChildView, Visit
from tests.plugins.reg44 import helpers as h

pytestmark = pytest.mark.plugins("reg44")


@pytest.fixture
def visit(r44):
    h.assign(r44.home, r44.visitor, date(2026, 3, 1))
    return h.plan(r44.home, date(2026, 3, 1))


def fresh(visit: Visit) -> Visit:
    db.session.expire_all()
    return db.session.get(Visit, visit.id)


def test_recording_the_visit_starts_the_report_clock_to_the_end_of_the_month(r44, visit, login,
                                                                               frozen):
    frozen.at(2026, 3, 30, 12, 0)
    client = login(r44.visitor)
    response = client.post(f"/reg44/visits/{visit.id}/record", data=h.form(
        visit, announced="unannounced", **h.day_fields("visited_on", date(2026, 3, 30))))
    assert response.status_code == 302
    visit = fresh(visit)
    assert (visit.state, visit.visited_on, visit.announced) == \
        ("drafting", date(2026, 3, 30), "unannounced")
    # 31 March 2026 is in summer time: 23:59:59 London is 22:59:59 UTC
    assert visit.report_due_at == datetime(2026, 3, 31, 22, 59, 59, tzinfo=UTC)
    report = db.session.scalar(select(SlaClock).where(SlaClock.rule == "report"))
    assert report.due_at == visit.report_due_at and report.stopped_at is None
    assert db.session.scalar(select(SlaClock).where(SlaClock.rule == "visit")).breached is False


def test_a_visit_recorded_in_winter_is_due_at_midnight_gmt(r44, login, frozen):
    frozen.at(2026, 1, 12, 10, 0)
    h.assign(r44.home, r44.visitor, date(2026, 1, 1))
    january = h.plan(r44.home, date(2026, 1, 1))
    login(r44.visitor).post(f"/reg44/visits/{january.id}/record", data=h.form(
        january, announced="announced", **h.day_fields("visited_on", date(2026, 1, 12))))
    assert fresh(january).report_due_at == datetime(2026, 1, 31, 23, 59, 59, tzinfo=UTC)


def test_recording_a_visit_refuses_missing_and_future_dates_naming_the_field(r44, visit, login):
    client = login(r44.visitor)
    missing = client.post(f"/reg44/visits/{visit.id}/record", data=h.form(visit))
    assert missing.status_code == 400
    assert 'href="#visited_on-day">Enter the date of the visit' in missing.text
    assert "Select whether the visit was announced" in missing.text
    future = client.post(f"/reg44/visits/{visit.id}/record", data=h.form(
        visit, announced="announced", **h.day_fields("visited_on", date(2026, 4, 2))))
    assert "must be today or in the past" in future.text
    assert fresh(visit).state == "scheduled"


def test_only_the_assigned_independent_person_records_the_visit(r44, visit, login):
    assert login(r44.other).get(f"/reg44/visits/{visit.id}/record").status_code == 404
    assert login(r44.world.coordinator).get(f"/reg44/visits/{visit.id}/record"
                                            ).status_code == 403


def test_a_save_from_an_older_copy_is_refused_and_nothing_is_lost(r44, visit, login, frozen):
    client = login(r44.visitor)
    client.post(f"/reg44/visits/{visit.id}/record", data=h.form(
        visit, announced="announced", **h.day_fields("visited_on", date(2026, 3, 2))))
    stale = fresh(visit).version
    client.post(f"/reg44/visits/{visit.id}/people",
                data={"version": str(stale), "spoken_to": ["registered_manager"]})
    response = client.post(f"/reg44/visits/{visit.id}/people",
                           data={"version": str(stale), "spoken_to": ["night_staff"]})
    assert response.status_code == 409
    assert fresh(visit).spoken_to == ["registered_manager"]


def test_children_are_added_by_code_and_views_need_consent(r44, visit, login):
    client = login(r44.visitor)
    client.post(f"/reg44/visits/{visit.id}/record", data=h.form(
        visit, announced="announced", **h.day_fields("visited_on", date(2026, 3, 2))))
    page = client.get(f"/reg44/visits/{visit.id}/children")
    assert r44.canary.code in page.text and r44.plain.code in page.text
    no_consent = client.post(f"/reg44/visits/{visit.id}/children", data=h.form(
        fresh(visit), child=r44.plain.id, consent="no", how="group", views="Said a lot"))
    assert no_consent.status_code == 400
    assert "did not agree to share their views" in no_consent.text
    client.post(f"/reg44/visits/{visit.id}/children", data=h.form(
        fresh(visit), child=r44.canary.id, consent="yes", how="alone",
        views="I want more time with my brother.", themes=["family_contact"]))
    child = db.session.scalar(select(ChildView))
    assert (child.case_id, child.consent, child.themes) == (r44.canary.id, True,
                                                           ["family_contact"])
    other_home = h.make_case(r44.world)
    refused = client.post(f"/reg44/visits/{visit.id}/children", data=h.form(
        fresh(visit), child=other_home.id, consent="yes", how="alone", views="x"))
    assert "Select a child placed at the home on the day of the visit" in refused.text


def test_the_report_cannot_be_finished_until_every_part_is_done(r44, visit, login):
    client = login(r44.visitor)
    client.post(f"/reg44/visits/{visit.id}/record", data=h.form(
        visit, announced="announced", **h.day_fields("visited_on", date(2026, 3, 2))))
    response = client.post(f"/reg44/visits/{visit.id}/finish", data=h.form(fresh(visit)))
    assert response.status_code == 400
    assert "The report is not finished: record who you spoke to." in response.text
    assert fresh(visit).state == "drafting"


def test_the_standards_page_checks_answers_against_the_tool(r44, visit, login):
    client = login(r44.visitor)
    client.post(f"/reg44/visits/{visit.id}/record", data=h.form(
        visit, announced="announced", **h.day_fields("visited_on", date(2026, 3, 2))))
    page = client.get(f"/reg44/visits/{visit.id}/standards")
    for title in ("Quality and purpose of care", "Children's views, wishes and feelings",
                  "Education", "Enjoyment and achievement", "Health and well-being",
                  "Positive relationships", "Protection of children",
                  "Leadership and management", "Care planning", "Records examined",
                  "Restraint and physical intervention", "Missing from home episodes"):
        assert title.replace("'", "&#39;") in page.text
    bad = client.post(f"/reg44/visits/{visit.id}/standards",
                      data=h.form(fresh(visit), **{"q-QS1-MET": "maybe"}))
    assert bad.status_code == 400 and 'href="#q-QS1-MET"' in bad.text
    client.post(f"/reg44/visits/{visit.id}/standards",
                data=h.form(fresh(visit), **{"q-QS1-MET": "partly", "na-QS3": "yes"}))
    assert fresh(visit).answers == {"QS1.MET": "partly", "QS3:not_applicable": True}


def test_a_finished_report_is_sent_and_the_visit_closes_when_all_three_have_it(r44, visit,
                                                                               login):
    h.complete(visit, r44.visitor, date(2026, 3, 2), recs=("Review the missing protocol.",),
               child=r44.canary)
    client = login(r44.world.coordinator)
    for recipient, who in (("provider", "Responsible individual"), ("ofsted", "Ofsted"),
                           ("placing_authority", "Northbrook children's services")):
        assert fresh(visit).state == "finalised"
        response = client.post(f"/reg44/visits/{visit.id}/distribution", data={
            "recipient": recipient, "who": who, "method": "secure_email",
            **h.day_fields("sent_on", date(2026, 3, 2))})
        assert response.status_code == 302
    visit = fresh(visit)
    assert visit.state == "distributed"
    assert [(d.recipient, d.sent_on) for d in visit.distributions] == [
        ("provider", date(2026, 3, 2)), ("ofsted", date(2026, 3, 2)),
        ("placing_authority", date(2026, 3, 2))]
    clocks = db.session.scalars(select(SlaClock).where(SlaClock.rule == "report")).all()
    assert all(c.stopped_at is not None and not c.breached for c in clocks)


def test_the_homes_response_is_recorded_with_its_dates(r44, visit, login):
    h.complete(visit, r44.visitor, date(2026, 3, 2), recs=("Review the missing protocol.",))
    rec = fresh(visit).recommendations[0]
    client = login(r44.world.coordinator)
    bad = client.post(f"/reg44/recommendations/{rec.id}/respond", data={
        "text": "Done", **h.day_fields("received_on", date(2026, 3, 2)),
        **h.day_fields("target_on", date(2026, 3, 1))})
    assert bad.status_code == 400 and "on or after the date received" in bad.text
    client.post(f"/reg44/recommendations/{rec.id}/respond", data={
        "text": "The protocol will be reviewed at the team meeting.",
        **h.day_fields("received_on", date(2026, 3, 2)),
        **h.day_fields("target_on", date(2026, 3, 20))})
    db.session.expire_all()
    response = rec.responses[0]
    assert (response.received_on, response.target_on) == (date(2026, 3, 2), date(2026, 3, 20))
    page = client.get(f"/reg44/visits/{visit.id}")
    assert "The protocol will be reviewed at the team meeting." in page.text


def test_reopening_a_finished_report_lets_the_visitor_change_it(r44, visit, login):
    h.complete(visit, r44.visitor, date(2026, 3, 2))
    client = login(r44.visitor)
    client.post(f"/reg44/visits/{visit.id}/reopen", data=h.form(fresh(visit)))
    visit = fresh(visit)
    assert (visit.state, visit.finalised_at) == ("drafting", None)


def test_a_coordinator_cancels_a_visit_with_a_reason(r44, visit, login):
    client = login(r44.world.coordinator)
    missing = client.post(f"/reg44/visits/{visit.id}/cancel", data=h.form(visit))
    assert missing.status_code == 400 and "Enter why the visit is cancelled" in missing.text
    client.post(f"/reg44/visits/{visit.id}/cancel",
                data=h.form(fresh(visit), reason="The home closed for refurbishment."))
    visit = fresh(visit)
    assert (visit.state, visit.cancelled_reason) == ("cancelled",
                                                     "The home closed for refurbishment.")
