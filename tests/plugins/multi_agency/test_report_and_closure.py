"""After the meeting: findings, the report and its exports, the action plan through core's
tracker, and closure when the plan closes (assignments end, retention clocks start)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from core.actions.models import ActionPlan
from core.cases.retention import add_years, run_retention
from core.cases.reveal import may_reveal
from core.cases.service import open_assignments
from core.extensions import db
from core.reports.sections import ReportContext
from plugins.multi_agency import consultation, lifecycle, report, tracking
from plugins.multi_agency.clock import london_today
from plugins.multi_agency.problems import Invalid, Refused
from plugins.multi_agency.retention import destroy_narrative
from plugins.multi_agency.returns import return_of
from plugins.multi_agency.sections import audits_section
from tests.plugins.multi_agency.conftest import CORE_GRADES, close_plan, plan, start

TODAY = london_today()




def test_the_agreed_grade_follows_the_limiting_judgement(audit, ma):
    start(audit, ma)
    lifecycle.record_consultation(audit, TODAY, TODAY, ma.coordinator)
    finding = consultation.record_finding(audit, audit.cases[0],
                                          {**CORE_GRADES, "VOICE": "inadequate"}, "good",
                                          "Agreed.", None, ma.coordinator)
    assert finding.overall == "inadequate"


def test_the_report_cannot_be_published_without_every_finding(audit, ma):
    start(audit, ma)
    lifecycle.record_consultation(audit, TODAY, TODAY, ma.coordinator)
    report.save_report(audit, report.ReportText("O.", "L.", "R."), {}, ma.coordinator)
    with pytest.raises(Refused, match="Record the agreed finding"):
        report.publish_report(audit, ma.coordinator)


def test_publishing_starts_an_action_plan_and_actions_go_to_agencies(reported, ma):
    action = tracking.add_action(reported, tracking.NewAction(
        "Share domestic abuse notifications within 24 hours", "Notifications were late",
        ma.b.id, "lead.b@example.test", None), ma.coordinator)
    db.session.commit()
    assert action.plan_id == reported.action_plan_id
    assert (action.source_activity, action.source_ref) == ("multi_agency", reported.reference)
    assert action.owner_agency_id == ma.b.id and action.owner_user_id == ma.lead_b.id
    assert tracking.rag_of(action, TODAY) in ("green", "amber")
    with pytest.raises(Invalid) as problem:
        tracking.add_action(reported, tracking.NewAction("x", "y", ma.world.c.id, None, None),
                            ma.coordinator)
    assert "owner_agency" in problem.value.errors


def test_the_report_and_action_plan_export_marked_and_coded(reported, ma, login):
    tracking.add_action(reported, tracking.NewAction("Act.", "Why.", ma.b.id, None, None),
                        ma.coordinator)
    db.session.commit()
    client = login(ma.board)
    xlsx = client.get(f"/multi-agency/{reported.id}/report.xlsx")
    assert xlsx.status_code == 200
    assert "attachment" in xlsx.headers["Content-Disposition"]
    cells = [c for row in load_workbook(io.BytesIO(xlsx.data)).active.iter_rows(values_only=True)
             for c in row if c is not None]
    assert cells[0] == "OFFICIAL-SENSITIVE"
    assert reported.cases[0].code in cells and "Share notifications." in " ".join(map(str, cells))
    assert not any("ZZCANARY" in str(c) for c in cells)
    pdf = client.get(f"/multi-agency/{reported.id}/action-plan.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "OFFICIAL-SENSITIVE" in text and "Act." in text
    plan_sheet = load_workbook(io.BytesIO(client.get(
        f"/multi-agency/{reported.id}/action-plan.xlsx").data)).active
    assert "Act." in [c for row in plan_sheet.iter_rows(values_only=True) for c in row]
    report_pdf = client.get(f"/multi-agency/{reported.id}/report.pdf")
    assert report_pdf.status_code == 200 and report_pdf.mimetype == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(report_pdf.data)).pages)
    assert "OFFICIAL-SENSITIVE" in text and "Share notifications." in text
    assert reported.cases[0].code in text and "ZZCANARY" not in text
    assert login(ma.lead_b).get(f"/multi-agency/{reported.id}/report.pdf").status_code == 403


def test_the_report_page_shows_findings_themes_and_recommendations(reported, ma, login):
    page = login(ma.lead_h).get(f"/multi-agency/{reported.id}/report").text
    assert "Police thought requires improvement." in page
    assert "Information sharing" in page and "Share notifications." in page
    assert "OFFICIAL-SENSITIVE" in page and "ZZCANARY" not in page


def test_the_audit_closes_when_its_action_plan_closes(reported, ma):
    selected = reported.cases[0]
    assert may_reveal(ma.lead_b, selected.case)
    assert lifecycle.close_finished() == []
    db.session.get(ActionPlan, reported.action_plan_id).status = "closed"
    db.session.commit()
    assert lifecycle.close_finished() == [reported.reference]
    db.session.commit()
    assert reported.status == "closed"
    assert open_assignments(ma.lead_b, selected.case) == []
    assert not may_reveal(ma.lead_b, selected.case)
    assert all(c.case.closed_at is not None for c in reported.cases)
    assert lifecycle.close_finished() == []


def test_destroying_a_case_clears_its_narrative_but_keeps_grades(reported, ma):
    selected = reported.cases[0]
    destroy_narrative(selected.case)
    db.session.commit()
    ret = return_of(selected, ma.b.id)
    assert ret.evidence is None and ret.what_worked is None and ret.overall == "good"
    finding = consultation.finding_of(selected)
    assert finding.summary is None and finding.dissent is None and finding.overall == "good"
    assert ret.answers["POL2"] == "Attended"


def test_the_partnership_report_counts_the_audit_and_its_themes(reported, ma):
    context = ReportContext(ma.world.p1, TODAY - timedelta(days=30), TODAY + timedelta(days=1))
    section = audits_section(context)
    assert [(f.label, f.value) for f in section.figures] == [("Audits reported", 1),
                                                             ("Cases audited", 8)]
    assert section.chart.series[0].values == (0, 8, 0, 0)
    assert [f.theme for f in section.findings] == ["Information sharing"]
    other = ReportContext(ma.world.p2, TODAY - timedelta(days=30), TODAY)
    assert audits_section(other).figures[0].value == 0


def test_the_sub_committee_reviews_the_plan_with_a_rag_status(reported, ma, login):
    tracking.add_action(reported, tracking.NewAction("Train staff.", "Late referrals.", ma.a.id,
                                                     None, None), ma.coordinator)
    db.session.commit()
    client = login(ma.board)
    page = client.get(f"/multi-agency/{reported.id}/actions").text
    assert "Train staff." in page and "Northbrook Council" in page
    bad = client.post(f"/multi-agency/{reported.id}/reviews", data={"rag": "purple"})
    assert bad.status_code == 400 and 'href="#rag"' in bad.text and 'href="#held_on"' in bad.text
    day = {"held_on-day": str(TODAY.day), "held_on-month": str(TODAY.month),
           "held_on-year": str(TODAY.year)}
    done = client.post(f"/multi-agency/{reported.id}/reviews",
                       data={**day, "rag": "amber", "impact": "Referrals now on time."})
    assert done.status_code == 303
    assert [r.rag for r in tracking.reviews_of(reported)] == ["amber"]
    assert login(ma.lead_a).post(f"/multi-agency/{reported.id}/reviews",
                                 data={**day, "rag": "green", "impact": "x"}).status_code == 403


def test_core_retention_destroys_the_closed_audits_cases_after_three_years(reported, ma):
    close_plan(reported)
    selected = reported.cases[1]
    closed = selected.case.closed_at
    assert run_retention(add_years(closed, 3) - timedelta(days=1)).destroyed == []
    result = run_retention(add_years(closed, 3) + timedelta(days=1))
    assert set(result.destroyed) == {c.code for c in reported.cases}
    db.session.expire_all()
    assert selected.case.destroyed_at is not None and selected.case.name_enc is None
    ret = return_of(selected, ma.a.id)
    assert ret.evidence is None and ret.overall == "good"
    assert consultation.finding_of(selected).summary is None


def test_a_case_still_in_a_running_audit_keeps_no_retention_clock(reported, ma):
    again = plan(ma, title="Neglect re-audit", baseline=False, cases=[ma.cases[0]])
    reused, only_here = reported.cases[0].case, reported.cases[1].case
    close_plan(reported)
    assert reused.closed_at is None and only_here.closed_at is not None
    assert again.status == "planning"
