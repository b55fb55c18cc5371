"""Quarterly and annual LADO reports: counts that match the seeded referrals and audits,
repeats by pseudonymous key, and no identity anywhere."""

from __future__ import annotations

import re
from datetime import date

import pytest

from core.extensions import db
from core.reports.sections import ReportContext
from plugins.lado import audits, figures, report
from tests.plugins.lado.conftest import leaks, record
from tests.plugins.lado.test_audits import graded_form

pytestmark = pytest.mark.plugins("lado")


@pytest.fixture
def seeded(world, people, frozen):
    """Q1 2026-27 (April to June 2026): five referrals; one more in March 2026 (Q4 2025-26)."""
    lado = str(people.lado.id)
    same = {"employer": "Example Primary School", "adult_identifier": "Sam Adult 1/1/1980"}
    rows = [
        record(world, people.lado, referral_date="01/04/2026", sector="education",
               category="harm", decision="met", decision_date="02/04/2026",
               strategy_held="yes", strategy_date="09/04/2026", outcome="substantiated",
               outcome_date="15/05/2026", dbs_referral="yes", lado=lado, **same),
        record(world, people.lado, referral_date="07/04/2026", sector="education",
               category="risk", decision="met", decision_date="10/04/2026", lado=lado, **same),
        record(world, people.lado, referral_date="01/05/2026", sector="sport",
               category="transferable", decision="not_met", decision_date="01/05/2026"),
        record(world, people.lado, referral_date="02/06/2026", sector="health",
               category="offence", police_investigation="yes"),
        record(world, people.lado, referral_date="03/06/2026", sector="education",
               category="harm", outcome="unfounded", outcome_date="25/06/2026"),
    ]
    older = record(world, people.lado, referral_date="02/03/2026", sector="faith",
                   category="harm", employer="Example Primary School")
    audit = audits.start_ad_hoc(rows[0], people.qa.id, "Sampled for the quarterly check",
                                world.coordinator)
    db.session.commit()
    audits.grade(audit, graded_form(audit, d_HR="inadequate"), people.qa)
    db.session.commit()
    return rows, older


def _pairs(pairs):
    return {k: v for k, v in pairs if v}


def test_quarterly_figures_match_the_seeded_referrals(world, seeded):
    f = figures.build(world.p1, date(2026, 4, 1), date(2026, 6, 30))
    assert f.received == 5
    assert _pairs(f.by_sector) == {"Education (schools and colleges)": 3, "Health": 1,
                                   "Sport and leisure": 1}
    assert _pairs(f.by_category) == {"Harmed a child": 2, "Indicates risk of harm": 1,
                                     "Transferable risk": 1, "Possible criminal offence": 1}
    assert (f.concluded, _pairs(f.by_outcome)) == (2, {"Substantiated": 1, "Unfounded": 1})
    assert _pairs(f.steps) == {"Threshold met": 2, "Threshold not met": 1,
                               "Strategy discussion held": 1, "Police investigation": 1,
                               "DBS referral": 1}
    decision, strategy, outcome = f.timeliness
    assert (decision.measured, decision.within) == (3, 2)  # 1, 3 and 0 working days
    assert (strategy.measured, strategy.within) == (1, 1)  # 1 Apr to 9 Apr: 4 (Easter)
    assert (outcome.measured, outcome.within) == (2, 2)
    assert f.open_at_end == 3  # the March referral, 7 April and 2 June
    # the school twice this quarter and once in March; every other referral is the canary
    # employer and adult (three this quarter, plus the March one for the adult)
    assert [r.referrals for r in f.repeat_employers] == [3, 3]
    assert [r.referrals for r in f.repeat_adults] == [4, 2]
    assert all(re.fullmatch(r"[EA]-[0-9A-F]{8}", r.key)
               for r in [*f.repeat_employers, *f.repeat_adults])
    assert f.audits_completed == 1 and f.limited == 1
    assert _pairs(f.overall_grades) == {"Inadequate": 1}
    assert f.trend[-2:] == [("Q4 2025-26", 1), ("Q1 2026-27", 5)]


def test_the_annual_report_covers_the_financial_year(world, seeded):
    f = figures.build(world.p1, date(2025, 4, 1), date(2026, 3, 31))
    assert f.received == 1 and _pairs(f.by_sector) == {"Faith groups": 1}


def test_the_report_page_shows_the_counts_and_no_identity(login, world, people, seeded):
    client = login(people.lado)
    chosen = client.get("/lado/reports/", query_string={"kind": "quarterly",
                                                         "day": "15/05/2026"})
    assert chosen.status_code == 302
    page = client.get(chosen.headers["Location"])
    assert page.status_code == 200
    compact = re.sub(r"\s+", " ", page.text)
    assert 'data-figure="Referrals received">5<' in compact
    assert ('Education (schools and colleges)</th><td class="govuk-table__cell '
            'govuk-table__cell--numeric">3<') in compact
    assert "E-" in page.text and "A-" in page.text
    assert leaks(page.text) == [] and "Example Primary School" not in page.text
    assert "Sam Adult" not in page.text
    annual = client.get(f"/lado/reports/{world.p1.id}/annual", query_string={
        "start": "2025-04-01"})
    assert 'data-figure="Referrals received">1<' in re.sub(r"\s+", " ", annual.text)


def test_reports_are_for_the_lado_coordinator_and_board_only(login, world, people, seeded):
    url = f"/lado/reports/{world.p1.id}/quarterly?start=2026-04-01"
    assert login(people.board).get(url).status_code == 200
    assert login(world.coordinator).get(url).status_code == 200
    assert login(world.tm_a).get(url).status_code == 403
    assert login(people.lado_c).get(url).status_code == 404


def test_sections_go_to_core_reports_only_for_lado_report_readers(world, people, seeded):
    def context(user, agency=None):
        return ReportContext(world.p1, date(2026, 4, 1), date(2026, 6, 30), "quarterly",
                             agency=agency, user=user)

    sections = report.report_sections(context(people.board))
    assert [s.key for s in sections][:3] == ["lado.referrals", "lado.categories",
                                             "lado.outcomes"]
    assert sections[0].figures[0].value == 5
    assert report.report_sections(context(world.tm_a)) == []
    assert report.report_sections(context(people.board, agency=world.a)) == []
    text = repr(sections)
    assert leaks(text) == [] and "Example Primary School" not in text


def test_sections_render_on_an_empty_database(world, people):
    context = ReportContext(world.p1, date(2026, 4, 1), date(2026, 6, 30), "quarterly",
                            user=people.lado)
    sections = report.report_sections(context)
    assert sections and sections[0].figures[0].value == 0


def test_the_annual_report_exports_hold_the_years_counts(login, world, people, seeded):
    import io

    from openpyxl import load_workbook

    from tests.core.exports.conftest import pdf_pages

    client = login(world.coordinator)
    url = f"/lado/reports/{world.p1.id}/annual/export"
    book = load_workbook(io.BytesIO(client.get(f"{url}/xlsx", query_string={
        "start": "2026-04-01"}).data))
    rows = [[c for c in row if c is not None] for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)]
    assert ["Referrals received", 5] in rows
    assert ["Education (schools and colleges)", 3] in rows
    assert ["Substantiated", 1] in rows and ["Audits completed", 1] in rows
    pdf = "\n".join(pdf_pages(client.get(f"{url}/pdf", query_string={
        "start": "2026-04-01"}).data))
    assert "Annual LADO report: Northbrook" in pdf and "1 April 2026 to 31 March 2027" in pdf
    assert "Example Primary School" not in pdf and leaks(pdf) == []
