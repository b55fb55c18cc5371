"""The practice week summary (page and PDF) and the plugin's sections of core's QA reports:
done against planned, strengths and development themes per standard, feedback timeliness,
actions, and annual coverage per team."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader

from core.extensions import db
from core.reports.compose import build_report
from core.reports.sections import ReportContext
from plugins.practice_week import observations
from plugins.practice_week.reports import coverage, week_summary
from plugins.practice_week.sections import report_sections
from tests.plugins.practice_week import helpers as h


def figures(section) -> dict:
    return {f.label: f.value for f in section.figures}


@pytest.fixture
def done_week(pw, frozen):
    """Three observations planned; two done (one complete with an action), one not done."""
    week = h.make_week(pw, pw.dcs, pw.hos)
    first = h.observe(pw, week, pw.dcs, pw.sw1)
    second = h.observe(pw, week, pw.dcs, pw.sw2, starts="13:00", ends="14:00")
    h.observe(pw, week, pw.dcs, pw.sw3, day=date(2026, 10, 8), event="team_meeting")
    frozen.at(2026, 10, 6, 16, 0)
    h.record(first, pw.dcs)
    h.record(second, pw.dcs, grades={"PCF7": "outstanding", "PCF6": "inadequate"})
    h.share(first, pw.dcs)
    h.reflect(first, pw.sw1)
    observations.raise_development_action(first, {
        "what": "Risk analysis training", **h.date_fields("due", date(2026, 11, 6))}, pw.dcs)
    frozen.at(2026, 10, 26, 9, 0)  # the second's feedback is now late
    week.learning = "Direct work is strong; analysis of risk needs work."
    db.session.commit()
    return week


def test_the_week_summary_counts_done_planned_standards_timeliness_and_actions(pw, done_week):
    s = week_summary(done_week)
    assert (s.planned, s.done, s.complete) == (3, 2, 1)
    assert (s.feedback_on_time, s.feedback_late, s.timely_rate) == (1, 1, 50)
    assert [(r.title, r.strengths, r.development) for r in s.standards] == [
        ("Critical reflection and analysis", 0, 2), ("Skills and interventions", 2, 0)]
    assert [r.title for r in s.strengths] == ["Skills and interventions"]
    assert [r.title for r in s.development] == ["Critical reflection and analysis"]
    assert [a.what for a in s.actions] == ["Risk analysis training"]


def test_annual_coverage_per_team(pw, done_week):
    rows = {c.team: (c.practitioners, c.observed) for c in coverage(pw.w.a.id)}
    assert rows == {"Assessment": (3, 2), "Children in care": (1, 0)}


def test_the_summary_page_and_its_pdf(pw, done_week, login):
    client = login(pw.qa)
    page = client.get(f"/practice_week/weeks/{done_week.id}/summary")
    assert page.status_code == 200
    assert "2 of 3 (67%)" in page.text and "Risk analysis training" in page.text
    assert "Development themes: Critical reflection and analysis" in page.text
    pdf = client.post(f"/practice_week/weeks/{done_week.id}/summary.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    text = " ".join(text.split())
    assert "Observations done: 2 of 3 planned (67%)" in text
    assert "Critical reflection and analysis" in text and "OFFICIAL" in text


def test_a_practitioner_cannot_see_the_summary(pw, done_week, login):
    assert login(pw.sw1).get(f"/practice_week/weeks/{done_week.id}/summary").status_code \
        == 403


def test_the_report_sections_for_the_council(pw, done_week):
    context = ReportContext(pw.w.p1, date(2026, 10, 1), date(2026, 12, 31), "quarterly",
                            agency=pw.w.a, user=pw.qa)
    found = {s.key: s for s in report_sections(context)}
    assert figures(found["practice_week.observations"]) == {
        "Observations planned": 3, "Observations done": 2, "Done against planned": 67,
        "Written feedback within two weeks": 50, "Development actions raised": 1}
    assert found["practice_week.standards"].chart.categories == (
        "Critical reflection and analysis", "Skills and interventions")
    assert figures(found["practice_week.coverage"]) == {
        "Practitioners": 4, "Observed in the last twelve months": 2}


def test_the_sections_render_on_an_empty_database(app, world):
    context = ReportContext(world.p1, date(2026, 1, 1), date(2026, 3, 31), "quarterly",
                            user=world.coordinator)
    found = report_sections(context)
    assert [s.key for s in found] == ["practice_week.observations", "practice_week.standards",
                                      "practice_week.coverage"]
    assert figures(found[0])["Observations planned"] == 0
    assert all(s.chart is None for s in found)


def test_core_builds_a_report_with_the_plugins_sections(pw, done_week):
    report = build_report(ReportContext(pw.w.p1, date(2026, 10, 1), date(2026, 12, 31),
                                        "quarterly", agency=pw.w.a, user=pw.qa))
    keys = [s.key for s in report.sections]
    assert "practice_week.observations" in keys and "practice_week.standards" in keys
