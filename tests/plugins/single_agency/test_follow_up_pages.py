"""Moderation and dispute pages, the dashboard card, and retention."""

from __future__ import annotations

import pytest

from core.extensions import db
from plugins.single_agency import cycles, moderation
from plugins.single_agency.models import Audit, Dispute
from plugins.single_agency.retention import forget_case
from tests.plugins.single_agency.helpers import complete

pytestmark = pytest.mark.plugins("single_agency")


@pytest.fixture
def accepted(programme, cases, council, rng, frozen):
    programme.moderation_rule = "all"
    cycle, _ = cycles.draw_monthly(programme, 2026, 3, rng)
    audit = next(a for a in cycle.audits if a.team_id == council.team_a.id)
    cycles.set_auditor(audit, council.tm_care)
    cycles.send(cycle, council.qa)
    db.session.commit()
    return complete(audit, council.qa, rng, "good")


def test_the_qa_team_chooses_a_moderator_who_downgrades_on_the_page(login, accepted, council):
    qa = login(council.qa)
    assert qa.get("/single_agency/moderation").status_code == 200
    page = qa.get(f"/single_agency/audits/{accepted.id}/moderate")
    assert page.status_code == 200 and council.psw.name in page.text
    assert council.sm.name not in page.text  # not independent of team A
    qa.post(f"/single_agency/audits/{accepted.id}/moderation/moderator",
            data={"moderator": council.psw.id})
    psw = login(council.psw)
    form = {f"{c}-grade": "good" for c in "ABCDEFGHJKL"} | {
        "B-grade": "requires_improvement", "overall-grade": "good",
        "version": accepted.moderation.version}
    missing_reason = psw.post(f"/single_agency/audits/{accepted.id}/moderate", data=form)
    assert missing_reason.status_code == 400 and 'href="#B-reason"' in missing_reason.text
    form |= {"B-reason": "Thresholds were applied late in January."}
    assert psw.post(f"/single_agency/audits/{accepted.id}/moderate",
                    data=form).status_code == 302
    db.session.expire_all()
    assert db.session.get(Audit, accepted.id).moderation.outcomes["B"]["outcome"] == "downgraded"
    outcome = qa.get(f"/single_agency/audits/{accepted.id}/moderate").text
    assert "Thresholds were applied late in January." in outcome
    audit_page = login(council.practitioner_a).get(f"/single_agency/audits/{accepted.id}").text
    assert "Moderated" in audit_page and "overall grade confirmed" in audit_page


def test_the_team_manager_disputes_and_the_qa_team_resolves_on_the_pages(
        login, accepted, council):
    tm = login(council.tm_a)
    assert "Dispute the grades" in tm.get(f"/single_agency/audits/{accepted.id}").text
    short = tm.post(f"/single_agency/audits/{accepted.id}/dispute", data={"grounds": "No."})
    assert short.status_code == 400
    tm.post(f"/single_agency/audits/{accepted.id}/dispute",
            data={"grounds": "Standard B was met: see the January strategy discussion."})
    dispute = db.session.scalar(db.select(Dispute))
    page = tm.get(f"/single_agency/disputes/{dispute.id}")
    assert page.status_code == 200 and "Record the meeting" in page.text
    empty = tm.post(f"/single_agency/disputes/{dispute.id}/record", data={
        "meeting-day": "2", "meeting-month": "3", "meeting-year": "2026"})
    assert empty.status_code == 400 and 'href="#record_note"' in empty.text
    assert 'id="record_note"' in empty.text
    tm.post(f"/single_agency/disputes/{dispute.id}/record", data={
        "record_note": "Met with the auditor on 2 March.", "meeting-day": "2", "meeting-month": "3",
        "meeting-year": "2026"})
    tm.post(f"/single_agency/disputes/{dispute.id}/escalate",
            data={"escalate_note": "We still disagree after the meeting."})
    qa = login(council.qa)
    qa.post(f"/single_agency/disputes/{dispute.id}/record",
            data={"record_note": "Reviewed with the principal social worker."})
    resolved = qa.post(f"/single_agency/disputes/{dispute.id}/resolve", data={
        "outcome": "changed", "overall-choice": "outstanding", "A-grade": "outstanding",
        "resolve_note": "The file shows outstanding recording and planning."})
    assert resolved.status_code == 302
    db.session.expire_all()
    dispute = db.session.get(Dispute, dispute.id)
    assert (dispute.state, dispute.final_grade) == ("resolved", "outstanding")
    assert "Trail" in qa.get(f"/single_agency/disputes/{dispute.id}").text


def test_the_dashboard_counts_the_auditors_open_audits(login, programme, cases, council, rng):
    cycle, _ = cycles.draw_monthly(programme, 2026, 3, rng)
    for audit in cycle.audits:
        cycles.set_auditor(audit, council.tm_care) if audit.team_id != council.care.id \
            else None
    cycles.send(cycle, council.qa)
    db.session.commit()
    home = login(council.tm_care).get("/").text
    assert "Case file audits" in home
    assert ">2<" in home.replace(" ", "").replace("\n", "")


def test_retention_keeps_the_grades_and_removes_what_was_written(accepted, council):
    moderation.assign(accepted.moderation, council.psw)
    forget_case(accepted.case)
    db.session.commit()
    assert accepted.strengths is None and accepted.conversation_notes is None
    assert all(c.summary is None for c in accepted.contacts)
    assert accepted.final_grade == "good"
    assert accepted.file_review["A"] == {"grade": "good"}
    from plugins.single_agency import difference, responses
    from plugins.single_agency.retention import GONE

    assert difference.summary_of(accepted).summary == GONE
    assert responses.response_of(accepted).grade == "good"  # the record stays, without text


def test_the_qa_team_starts_a_dip_sample_of_a_cohort(login, programme, cases, council):
    client = login(council.qa)
    assert client.get("/single_agency/cycles/new").status_code == 200
    form = {"programme": programme.id, "kind": "dip_sample", "title": "Child protection dip",
            "cohorts": ["child_protection"], "percent": "50", "due-day": "30",
            "due-month": "4", "due-year": "2026"}
    missing = client.post("/single_agency/cycles/new", data=form | {"title": ""})
    assert missing.status_code == 400 and 'href="#title"' in missing.text
    response = client.post("/single_agency/cycles/new", data=form)
    assert response.status_code == 302
    cycle = db.session.scalar(db.select(cycles.Cycle).where(cycles.Cycle.kind == "dip_sample"))
    assert len(cycle.audits) == 2  # half of the three child protection cases, rounded up
    assert {a.case.cohort for a in cycle.audits} == {"child_protection"}
    assert "Child protection dip" in client.get("/single_agency/cycles").text


def test_other_activities_see_the_cases_audits_in_a_panel(app, accepted, council):
    from core.case_panels import case_panels

    [panel] = case_panels(accepted.case, asking="feedback", user=council.tm_a)
    assert panel.key == "single_agency.audits"
    assert panel.items[0].url == f"/single_agency/audits/{accepted.id}"
    assert accepted.reference in panel.items[0].text and panel.items[0].hint == "Good"
    assert case_panels(accepted.case, asking="feedback", user=council.sw_safe) == []
