"""Open recommendations carry over to the next visit's checklist until a visit finds them met."""

from __future__ import annotations

from datetime import date

import pytest

from core.extensions import db
from core.workflow.engine import TransitionRefused
from plugins.reg44.carryover import checklist
from plugins.reg44.models import Recommendation, Visit
from tests.plugins.reg44 import helpers as h

pytestmark = pytest.mark.plugins("reg44")


@pytest.fixture
def march(r44):
    h.assign(r44.home, r44.visitor, date(2026, 3, 1))
    visit = h.plan(r44.home, date(2026, 3, 1))
    return h.complete(visit, r44.visitor, date(2026, 3, 2),
                      recs=("Update the missing-from-home protocol.",
                            "Record the reasons for each sanction."))


def recs(march: Visit) -> list[Recommendation]:
    db.session.expire_all()
    return list(db.session.get(Visit, march.id).recommendations)


def test_next_months_visit_shows_the_open_recommendations(r44, march, login):
    april = h.plan(r44.home, date(2026, 4, 1))
    assert [r.text for r in checklist(april)] == ["Update the missing-from-home protocol.",
                                                  "Record the reasons for each sanction."]
    page = login(r44.visitor).get(f"/reg44/visits/{april.id}")
    assert "Open recommendations from earlier visits" in page.text
    assert "Update the missing-from-home protocol." in page.text
    assert f"{march.reference}/1" in page.text


def test_recommendations_of_an_unfinished_report_do_not_carry_over(r44, frozen):
    h.assign(r44.home, r44.visitor, date(2026, 3, 1))
    march = h.plan(r44.home, date(2026, 3, 1))
    from plugins.reg44 import visits

    visits.record_visit(march, h.form(march, announced="announced",
                                      **h.day_fields("visited_on", date(2026, 3, 2))),
                        r44.visitor)
    visits.add_recommendation(march, h.form(march, text="Draft idea", standard="QS1"))
    db.session.commit()
    assert checklist(h.plan(r44.home, date(2026, 4, 1))) == []


def test_a_recommendation_found_met_closes_and_the_rest_carry_on(r44, march, frozen):
    first, second = recs(march)
    frozen.at(2026, 4, 6, 10, 0)
    april = h.plan(r44.home, date(2026, 4, 1))
    h.complete(april, r44.visitor, date(2026, 4, 6),
               reviews={first.id: "met", second.id: "not_progressed"})
    first, second = recs(march)
    assert (first.status, first.closed_by_visit_id) == ("closed", april.id)
    assert second.status == "open"
    may = h.plan(r44.home, date(2026, 5, 1))
    assert [r.id for r in checklist(may)] == [second.id]
    assert [r.id for r in checklist(april)] == [first.id, second.id]  # April still shows both


def test_every_carried_recommendation_must_be_checked_before_the_report_is_finished(r44, march,
                                                                                     frozen):
    frozen.at(2026, 4, 6, 10, 0)
    april = h.plan(r44.home, date(2026, 4, 1))
    with pytest.raises(TransitionRefused, match="earlier recommendation"):
        h.complete(april, r44.visitor, date(2026, 4, 6))


def test_reopening_the_report_reopens_what_it_closed(r44, march, login, frozen):
    first, second = recs(march)
    frozen.at(2026, 4, 6, 10, 0)
    april = h.complete(h.plan(r44.home, date(2026, 4, 1)), r44.visitor, date(2026, 4, 6),
                       reviews={first.id: "met", second.id: "progressing"})
    db.session.expire_all()
    login(r44.visitor).post(f"/reg44/visits/{april.id}/reopen",
                            data=h.form(db.session.get(Visit, april.id)))
    assert [r.status for r in recs(march)] == ["open", "open"]


def test_the_checklist_page_records_what_the_visit_found(r44, march, login, frozen):
    first = recs(march)[0]
    frozen.at(2026, 4, 6, 10, 0)
    april = h.plan(r44.home, date(2026, 4, 1))
    client = login(r44.visitor)
    client.post(f"/reg44/visits/{april.id}/record", data=h.form(
        april, announced="announced", **h.day_fields("visited_on", date(2026, 4, 6))))
    db.session.expire_all()
    april = db.session.get(Visit, april.id)
    response = client.post(f"/reg44/visits/{april.id}/carried", data=h.form(
        april, **{f"outcome-{first.id}": "progressing",
                  f"note-{first.id}": "A draft protocol was on the office wall."}))
    assert response.status_code == 302
    db.session.expire_all()
    review = db.session.get(Visit, april.id).reviews[0]
    assert (review.recommendation_id, review.outcome, review.note) == (
        first.id, "progressing", "A draft protocol was on the office wall.")
    page = client.get(f"/reg44/visits/{april.id}")
    assert "Progressing: A draft protocol was on the office wall." in page.text
