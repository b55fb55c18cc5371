"""The monthly report's case file audit sections: every measure of DOMAIN.md, counted from one
March cycle (six audits, three completed, two moderated, one safety alert)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from core.extensions import db
from core.reports.sections import ReportContext
from plugins.single_agency import alerts, audits, cycles, moderation, report
from plugins.single_agency.models import SafetyAlert
from tests.plugins.single_agency.helpers import complete

pytestmark = pytest.mark.plugins("single_agency")


def moderate(audit, to, by):
    chosen = moderation.request(audit)
    form = {"version": str(chosen.version), "overall-grade": to,
            "overall-reason": "The plan has no timescales at all."}
    for domain in audits.tool_of(audit).domains:
        form[f"{domain.code}-grade"] = to
        form[f"{domain.code}-reason"] = "No timescales in the plan for this area."
    moderation.record(chosen, form, by)
    db.session.commit()


@pytest.fixture
def march(programme, cases, council, rng, frozen, world):
    """Team A: both audits inadequate (one moderated and confirmed, one with a safety alert
    resolved in 2 hours); care team: one good audit moderated down, one not done; the
    safeguarding team's two audits not done."""
    programme.sample_per_team, programme.moderation_rule = 2, "half"
    for case in cases.a + cases.care + cases.safe:
        case.created_at = datetime(2026, 1, 5, tzinfo=UTC)
        if case not in cases.safe:
            case.ethnicity = "WBRI" if case in cases.a else "BAFR"
    db.session.commit()
    cycle, _ = cycles.draw_monthly(programme, 2026, 3, rng)
    by_team = {t: [a for a in cycle.audits if a.team_id == t.id]
               for t in (council.team_a, council.care, council.safe)}
    chosen = {council.team_a: (council.tm_care, council.tm_safe),
              council.care: (council.tm_safe, council.tm_a),
              council.safe: (council.tm_a, council.tm_care)}
    for team, auditors in chosen.items():
        for audit, auditor in zip(by_team[team], auditors, strict=True):
            cycles.set_auditor(audit, auditor)
    cycles.send(cycle, council.qa)
    db.session.commit()
    first, second = by_team[council.team_a]
    audits.save_safety_check(first, {"version": str(first.version),
                                     "child_safety_concern": "yes",
                                     "supervision_recent": "yes",
                                     "safety_notes": "Bruising."}, first.auditor)
    db.session.commit()
    frozen.at(2026, 3, 2, 11, 0)
    alerts.resolve_alert(db.session.scalars(db.select(SafetyAlert)).one(), council.tm_a,
                         "Visited the child today; strategy meeting held.")
    db.session.commit()
    complete(first, council.qa, rng, "inadequate")
    frozen.at(2026, 3, 3, 10, 0)
    complete(second, council.qa, rng, "inadequate")
    good = complete(by_team[council.care][0], council.qa, rng, "good")
    moderate(first, "inadequate", council.psw)
    moderate(good, "requires_improvement", council.psw)
    frozen.at(2026, 4, 1, 9, 0)
    return ReportContext(world.p1, date(2026, 3, 1), date(2026, 3, 31), "monthly",
                         user=council.qa)


def figures(section):
    return {f.label: f.value for f in section.figures}


def test_compliance_against_allocation_by_team_and_role(march):
    section = report.compliance_section(march)
    got = figures(section)
    assert (got["Audits allocated"], got["Audits completed"], got["Completion"]) == (6, 3, 50.0)
    assert got["Completion by team managers"] == 50.0
    assert section.findings and "below the target of 80%" in section.findings[0].text
    assert "Children in care: 1 of 2" in section.narrative


def test_grade_mix_before_and_after_the_conversation_and_after_moderation(march):
    got = figures(report.grades_section(march))
    assert got["File review: inadequate"] == 2 and got["File review: good"] == 1
    assert got["After the conversation: good"] == 1
    assert got["After moderation: requires improvement"] == 1
    assert got["After moderation: inadequate"] == 1
    assert got["As it stands: good"] == 0 and got["As it stands: inadequate"] == 2


def test_moderation_agreement_and_cohens_kappa(march):
    got = figures(report.moderation_section(march))
    assert got["Audits moderated"] == 2
    assert (got["Overall grade confirmed"], got["Overall grade downgraded"]) == (50.0, 50.0)
    assert got["Cohen's kappa, auditor and moderator"] == 0.33
    assert report.cohens_kappa([("good", "good"), ("inadequate", "inadequate")]) == 1.0
    assert report.cohens_kappa([]) is None


def test_responses_actions_and_overdue(march):
    got = figures(report.actions_section(march))
    assert got["Reports shared"] == 3 and got["Responses outstanding"] == 3
    assert got["Actions raised"] == 2 and got["Actions overdue"] == 2


def test_alerts_raised_and_response_times(march):
    got = figures(report.alerts_section(march))
    assert got["Safety alerts raised"] == 1 and got["Resolved within 24 hours"] == 100.0
    assert got["Median hours to resolve"] == 2.0


def test_trend_warnings_name_the_team_not_the_practitioner(march, council):
    section = report.trends_section(march)
    got = figures(section)
    assert got["Practitioners with 2+ consecutive inadequate audits"] == 1
    assert got["Teams with more than 25% inadequate"] == 1
    text = " ".join(f.text for f in section.findings)
    assert council.team_a.name in text and council.practitioner_a.name not in text


def test_quotas_and_disproportionality(march):
    quotas = figures(report.quotas_section(march))
    assert quotas["Team managers on track for their quota"] == 0.0  # March: the year's end
    fairness = figures(report.disproportionality_section(march))
    assert fairness["WBRI: audits / inadequate / caseload"] == "2 / 2 / 3"
    assert fairness["BAFR: audits / inadequate / caseload"] == "1 / 0 / 3"


def test_the_report_page_shows_every_section_and_another_council_sees_none(
        march, login, council, world):
    page = login(council.qa).get(
        f"/reports/{world.p1.id}?period=monthly&start=2026-03-01&end=2026-03-31"
        f"&agency={council.agency.id}")
    assert page.status_code == 200
    for title in ("completion against allocation", "grades", "moderation agreement",
                  "responses and actions", "re-audits", "safety alerts", "trend warnings",
                  "quotas by role", "disproportionality", "Make a Difference"):
        assert f"Case file audits: {title}" in page.text
    assert "Child 1" not in page.text
    outsider = ReportContext(world.p1, date(2026, 3, 1), date(2026, 3, 31), "monthly",
                             user=council.police)
    assert figures(report.compliance_section(outsider))["Audits allocated"] == 0


def test_every_section_renders_on_an_empty_database(app, world):
    empty = ReportContext(world.p1, date(2026, 3, 1), date(2026, 3, 31), "monthly")
    sections = report.report_sections(empty)
    assert len(sections) == 10
    assert figures(sections[0])["Completion"] is None
