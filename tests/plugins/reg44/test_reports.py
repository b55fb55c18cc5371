"""Reports: visits due and done per home and month, late reports, recommendation and
children's-view themes, providers; and the sections the plugin adds to core's QA reports."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from core.extensions import db
from core.reports.sections import ReportContext
from plugins.reg44 import reports
from plugins.reg44.models import Visit
from plugins.reg44.sections import report_sections
from tests.plugins.reg44 import helpers as h

pytestmark = pytest.mark.plugins("reg44")


@pytest.fixture
def quarter(r44, frozen):
    """January to March 2026 at Oakwood: January done on time, February finished late,
    March still to visit (overdue by April). Hillside (annual) visited in February."""
    hillside = h.make_home(r44.world, "Hillside", kind="commissioned", frequency="annual",
                           provider="Hillside Care Ltd")
    h.assign(r44.home, r44.visitor, date(2026, 1, 1))
    h.assign(hillside, r44.visitor, date(2026, 1, 1))
    for placement in r44.home.placements:
        placement.placed_on = date(2026, 1, 5)
    frozen.at(2026, 1, 12, 10, 0)
    h.complete(h.plan(r44.home, date(2026, 1, 1)), r44.visitor, date(2026, 1, 12),
               child=r44.canary, recs=("Record sanctions fully.",))
    frozen.at(2026, 2, 20, 10, 0)
    february = h.plan(r44.home, date(2026, 2, 1))
    h.complete(h.plan(hillside, date(2026, 2, 1)), r44.visitor, date(2026, 2, 20))
    from plugins.reg44 import visits

    visits.record_visit(february, h.form(february, announced="announced",
                                         **h.day_fields("visited_on", date(2026, 2, 20))),
                        r44.visitor)
    db.session.commit()
    jan_rec = db.session.scalar(select(Visit).where(Visit.month == date(2026, 1, 1))
                                ).recommendations[0]
    frozen.at(2026, 3, 3, 10, 0)  # February's report is finished after the end of February
    _finish_late(february, r44, jan_rec)
    h.plan(r44.home, date(2026, 3, 1))
    frozen.at(2026, 4, 2, 10, 0)
    return hillside


def _finish_late(visit, r44, rec):
    from plugins.reg44 import visits

    visits.save_people(visit, h.form(visit, spoken_to=["registered_manager"]))
    visits.add_child(visit, h.form(visit, child=r44.plain.id, consent="yes", how="group",
                                   views="The food is good.", themes=["food_and_home", "staff"]))
    visits.save_standards(visit, h.form(visit, **h.all_answers(visit)))
    visits.save_reviews(visit, h.form(visit, **{f"outcome-{rec.id}": "progressing"}))
    visits.save_opinion(visit, h.form(visit, safeguarded="no", safeguarded_reason="Missing "
                                      "episodes are not followed up.", wellbeing="yes",
                                      wellbeing_reason="Children are settled."))
    visits.add_recommendation(visit, h.form(visit, text="Follow up every missing episode.",
                                            standard="QS7"))
    visits.finish(visit, h.form(visit), r44.visitor)
    db.session.commit()


def build(r44):
    query = select(Visit).where(Visit.partnership_id == r44.world.p1.id)
    return reports.build(query, date(2026, 1, 1), date(2026, 3, 31), reports.standard_titles())


def test_visits_due_and_done_per_home_and_month(r44, quarter):
    data = build(r44)
    rows = {row.home.name: row.cells for row in data["rows"]}
    assert rows == {"Hillside": ["none", "done", "none"],
                    "Oakwood": ["done", "done", "overdue"]}
    t = data["totals"]
    assert (t.planned, t.done, t.on_time, t.overdue, t.reports_late) == (4, 3, 3, 1, 1)


def test_late_reports_are_listed(r44, quarter):
    assert [v.month for v in build(r44)["late"]] == [date(2026, 2, 1)]


def test_recommendation_and_childrens_view_themes(r44, quarter):
    data = build(r44)
    assert data["recommendations"] == [("Protection of children", 2, 0)]
    assert dict(data["views"]) == {"Feeling safe": 1, "Food, bedroom and the home": 2,
                                   "Relationships with staff": 1}
    assert (data["spoken"], data["consented"]) == (2, 2)


def test_the_provider_summary(r44, quarter):
    rows = {p.provider: p for p in build(r44)["providers"]}
    oak = rows["Northbrook Council"]
    assert (oak.homes, oak.visits_done, oak.reports_late, oak.open_recommendations,
            oak.not_safeguarded) == (1, 2, 1, 2, 1)
    assert rows["Hillside Care Ltd"].visits_done == 1


def test_the_report_page_shows_the_quarter_without_any_child(r44, quarter, login):
    page = login(r44.world.coordinator).get("/reg44/reports?from=2026-01&to=2026-03")
    assert page.status_code == 200
    assert "Done late" not in page.text and "Overdue" in page.text
    assert "Food, bedroom and the home" in page.text
    for secret in (*h.CANARIES, r44.canary.code, r44.plain.code, "The food is good."):
        assert secret not in page.text
    bad = login(r44.world.coordinator).get("/reg44/reports?from=2026-05&to=2026-01")
    assert "The last month must be within two years after the first" in bad.text


def test_board_members_see_the_report_but_not_the_visits(r44, quarter, login):
    from tests.support.factories import make_user

    board = make_user("board_member", r44.world.p1, email="board@example.test")
    db.session.commit()
    client = login(board)
    assert client.get("/reg44/reports?from=2026-01&to=2026-03").status_code == 200
    assert client.get("/reg44/homes").status_code == 403


def test_the_sections_for_cores_reports(r44, quarter):
    context = ReportContext(r44.world.p1, date(2026, 1, 1), date(2026, 3, 31), "quarterly",
                            user=r44.world.coordinator)
    sections = {s.key: s for s in report_sections(context)}
    figures = {f.label: f.value for f in sections["reg44.visits"].figures}
    assert figures["Visits done"] == 3 and figures["Reports late or overdue"] == 1
    assert sections["reg44.recommendations"].chart.categories == ("Protection of children",)
    outsider = ReportContext(r44.world.p1, date(2026, 1, 1), date(2026, 3, 31), "quarterly",
                             user=r44.world.tm_b)
    assert {f.label: f.value for f in report_sections(outsider)[0].figures}["Visits done"] == 0


def test_the_sections_render_on_an_empty_database(app, world):
    context = ReportContext(world.p1, date(2026, 1, 1), date(2026, 3, 31), "quarterly",
                            user=world.coordinator)
    assert [s.key for s in report_sections(context)] == [
        "reg44.visits", "reg44.recommendations", "reg44.children"]
