"""Baseline comparison: the second audit of a theme is set against the baseline, per domain
(agreed grades) and per agency (overall grades of returns), with counts, shares and arrows."""

from __future__ import annotations

from core.extensions import db
from plugins.multi_agency import consultation, lifecycle
from plugins.multi_agency.clock import london_today
from plugins.multi_agency.comparison import Distribution, baseline_for
from plugins.multi_agency.reportdoc import comparison_of
from plugins.multi_agency.returns import save_return
from tests.plugins.multi_agency.conftest import CORE_GRADES, complete, plan, start

TODAY = london_today()


def _run(audit, ma, council: list[str], agreed: list[str]) -> None:
    """Council returns with the given overall grades, police 'good' everywhere, health no
    involvement; then the meeting agrees `agreed` overall (RESP graded the same)."""
    start(audit, ma)
    for selected, council_grade in zip(audit.cases, council, strict=True):
        limiting = {"RESP": "inadequate"} if council_grade == "inadequate" else {}
        save_return(audit, selected, ma.a.id, ma.lead_a,
                    complete("childrens_services", overall=council_grade, **limiting),
                    submit=True)
        save_return(audit, selected, ma.b.id, ma.lead_b, complete("police"), submit=True)
        none = complete("health")
        none.no_involvement = True
        save_return(audit, selected, ma.h.id, ma.lead_h, none, submit=True)
    lifecycle.record_consultation(audit, TODAY, TODAY, ma.coordinator)
    for selected, agreed_grade in zip(audit.cases, agreed, strict=True):
        grades = {**CORE_GRADES, "RESP": agreed_grade}
        consultation.record_finding(audit, selected, grades, agreed_grade, "Agreed.", None,
                                    ma.coordinator)
    db.session.commit()


def test_distribution_counts_and_share_good_or_better():
    found = Distribution.of(["good", "good", "inadequate", "outstanding", "requires_improvement"])
    assert found.counts == (1, 2, 1, 1)
    assert found.total == 5
    assert found.good_share == 60.0
    assert Distribution.of([]).good_share is None


def test_a_later_audit_of_the_theme_is_compared_with_the_baseline(ma):
    baseline = plan(ma, "Neglect baseline", baseline=True)
    _run(baseline, ma, council=["good"] * 4 + ["inadequate"] * 4,
         agreed=["good"] * 3 + ["requires_improvement"] * 2 + ["inadequate"] * 3)
    second = plan(ma, "Neglect re-audit", baseline=False)
    _run(second, ma, council=["good"] * 6 + ["inadequate"] * 2,
         agreed=["outstanding"] + ["good"] * 5 + ["requires_improvement"] * 2)

    assert baseline_for(second).id == baseline.id
    result = comparison_of(second)
    rows = {r.label: r for r in result.domains}
    overall = rows["Overall"]
    assert overall.baseline.counts == (0, 3, 2, 3)
    assert overall.current.counts == (1, 5, 2, 0)
    assert (overall.baseline.good_share, overall.current.good_share) == (37.5, 75.0)
    assert overall.arrow == "↑" and overall.change_words == "Improved"
    oversight = rows["Management oversight and supervision"]
    assert oversight.baseline.counts == oversight.current.counts == (0, 8, 0, 0)
    assert oversight.arrow == "→"

    agencies = {r.label: r for r in result.agencies}
    assert agencies["Northbrook Council"].baseline.counts == (0, 4, 0, 4)
    assert agencies["Northbrook Council"].current.counts == (0, 6, 0, 2)
    assert agencies["Northbrook Council"].arrow == "↑"
    assert agencies["Northbrook Police"].change == "same"
    assert "Northbrook Health" not in agencies  # no involvement is not graded


def test_the_baseline_itself_and_other_themes_have_no_comparison(ma):
    baseline = plan(ma, "Neglect baseline", baseline=True)
    other = plan(ma, "Exploitation", baseline=False)
    other.theme_key = "exploitation"
    db.session.commit()
    assert baseline_for(baseline) is None
    assert baseline_for(other) is None


def test_the_comparison_page_shows_both_distributions_and_the_arrow(ma, login):
    baseline = plan(ma, "Neglect baseline", baseline=True)
    _run(baseline, ma, council=["good"] * 8, agreed=["requires_improvement"] * 8)
    second = plan(ma, "Neglect re-audit", baseline=False)
    _run(second, ma, council=["good"] * 8, agreed=["good"] * 8)
    page = login(ma.coordinator).get(f"/multi-agency/{second.id}/comparison").text
    assert baseline.reference in page
    assert "0 / 0 / 8 / 0" in page and "0 / 8 / 0 / 0" in page
    assert "↑" in page and "Improved" in page


def test_before_the_meeting_an_agency_compares_only_its_own_returns(ma, login):
    baseline = plan(ma, "Neglect baseline", baseline=True)
    _run(baseline, ma, council=["good"] * 8, agreed=["requires_improvement"] * 8)
    second = plan(ma, "Neglect re-audit", baseline=False)
    start(second, ma)
    for selected in second.cases:
        save_return(second, selected, ma.a.id, ma.lead_a,
                    complete("childrens_services", overall="good"), submit=True)
        save_return(second, selected, ma.b.id, ma.lead_b, complete("police"), submit=True)
    db.session.commit()
    url = f"/multi-agency/{second.id}/comparison"
    police = login(ma.lead_b).get(url).text
    assert "Northbrook Police" in police and "Northbrook Council" not in police
    assert 'data-testid="comparison-limited"' in police
    assert "Northbrook Council" in login(ma.coordinator).get(url).text
    lifecycle.record_consultation(second, TODAY, TODAY, ma.coordinator)
    db.session.commit()
    assert "Northbrook Council" in login(ma.lead_b).get(url).text
