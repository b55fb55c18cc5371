"""Make a Difference summaries (Sefton) and open safety alerts on the dashboard."""

from __future__ import annotations

import pytest

from core.extensions import db
from plugins.single_agency import alerts, audits, cycles, difference, moderation
from plugins.single_agency.models import SafetyAlert
from tests.plugins.single_agency.helpers import complete

pytestmark = pytest.mark.plugins("single_agency")


@pytest.fixture
def audit(programme, cases, council, rng):
    cycle, _ = cycles.draw_monthly(programme, 2026, 3, rng)
    audit = next(a for a in cycle.audits if a.team_id == council.team_a.id)
    cycles.set_auditor(audit, council.tm_care)
    cycles.send(cycle, council.qa)
    db.session.commit()
    return audit


def test_a_good_audit_drafts_a_summary_from_its_strengths(audit, council, rng):
    complete(audit, council.qa, rng, "good")
    summary = difference.summary_of(audit)
    assert summary.state == "draft" and "Clear plan." in summary.summary
    assert audit.reference in summary.summary and "Child" not in summary.summary


def test_an_audit_below_good_has_no_summary(audit, council, rng):
    complete(audit, council.qa, rng, "requires_improvement")
    assert difference.summary_of(audit) is None


def test_a_moderator_downgrade_withdraws_the_draft(audit, council, rng):
    complete(audit, council.qa, rng, "good")
    chosen = moderation.request(audit)
    form = {"version": str(chosen.version), "overall-grade": "requires_improvement",
            "overall-reason": "The plan has no timescales at all."}
    for domain in audits.tool_of(audit).domains:
        form[f"{domain.code}-grade"] = "requires_improvement"
        form[f"{domain.code}-reason"] = "No timescales in the plan for this area."
    moderation.record(chosen, form, council.psw)
    db.session.commit()
    assert difference.summary_of(audit).state == "withdrawn"


def test_the_qa_team_publishes_the_edited_summary(login, audit, council, rng):
    complete(audit, council.qa, rng, "good")
    summary = difference.summary_of(audit)
    assert "Publish in the briefing" not in login(council.tm_a).get(
        "/single_agency/make-a-difference").text
    client = login(council.qa)
    assert "Publish in the briefing" in client.get("/single_agency/make-a-difference").text
    path = f"/single_agency/make-a-difference/{summary.id}/publish"
    short = client.post(path, data={"version": summary.version, f"summary-{summary.id}": "x"})
    assert short.status_code == 400 and "govuk-error-summary" in short.text
    text = "Direct work with the child shaped a plan the family understood."
    done = client.post(path, data={"version": summary.version, f"summary-{summary.id}": text},
                       follow_redirects=True)
    assert "is published" in done.text
    db.session.refresh(summary)
    assert (summary.state, summary.summary) == ("published", text)
    assert text in login(council.practitioner_a).get("/single_agency/make-a-difference").text


def test_an_open_safety_alert_stays_on_the_dashboard_until_resolved(login, audit, council):
    audits.save_safety_check(audit, {"version": str(audit.version),
                                     "child_safety_concern": "yes", "supervision_recent": "yes",
                                     "safety_notes": "Unexplained bruising."}, audit.auditor)
    db.session.commit()
    home = login(council.tm_a).get("/").text
    assert "Open safety alerts" in home
    assert "Open safety alerts" not in login(council.tm_safe).get("/").text  # not their team
    alert = db.session.scalars(db.select(SafetyAlert)).one()
    alerts.resolve_alert(alert, council.tm_a, "Visited the child today; strategy meeting held.")
    db.session.commit()
    assert "Open safety alerts" not in login(council.tm_a).get("/").text
