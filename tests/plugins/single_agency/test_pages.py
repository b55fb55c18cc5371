"""The pages, as people use them: the QA team, the auditor, moderators, managers."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from core.extensions import db
from plugins.single_agency import cycles
from plugins.single_agency.models import Audit, Cycle, Programme
from tests.plugins.single_agency.helpers import carry_out, date_parts, grading_form, submit

pytestmark = pytest.mark.plugins("single_agency")


@pytest.fixture
def sent(programme, cases, council, rng):
    cycle, _ = cycles.draw_monthly(programme, 2026, 3, rng)
    audit = next(a for a in cycle.audits if a.team_id == council.team_a.id)
    cycles.set_auditor(audit, council.tm_care)
    cycles.send(cycle, council.qa)
    db.session.commit()
    return audit


def test_the_qa_team_draws_reviews_and_sends_a_cycle(login, programme, cases, council):
    client = login(council.qa)
    assert client.get("/single_agency/cycles").status_code == 200
    response = client.post("/single_agency/cycles/draw", data={"programme": programme.id})
    cycle = db.session.scalar(select(Cycle))
    assert response.headers["Location"].endswith(f"/single_agency/cycles/{cycle.id}")
    page = client.get(f"/single_agency/cycles/{cycle.id}")
    assert page.status_code == 200 and "Send the allocations" in page.text
    audit = next(a for a in cycle.audits if a.team_id == council.team_a.id)
    refused = client.post(f"/single_agency/cycles/{cycle.id}/auditor",
                          data={"audit": audit.id, "auditor": council.sm.id})
    assert refused.status_code == 400 and "line-manages the practitioner" in refused.text
    client.post(f"/single_agency/cycles/{cycle.id}/auditor",
                data={"audit": audit.id, "auditor": council.tm_care.id})
    assert audit.auditor_id == council.tm_care.id
    client.post(f"/single_agency/cycles/{cycle.id}/send")
    db.session.expire_all()
    assert {a.state for a in cycle.audits} == {"allocated"}


def test_a_qa_manager_sets_the_programme(login, council):
    client = login(council.qa_manager)
    page = client.get(f"/single_agency/programme/{council.agency.id}")
    assert page.status_code == 200 and "Cycles a year" in page.text
    form = {"version": "0", "active": "yes", "year_start_month": "4", "cycles_per_year": "11",
            "paused_months": ["8"], "sample_per_team": "2", "exclude_recent_months": "6",
            "max_per_auditor": "2", "auditor_roles": ["team_manager", "head_of_service"],
            "quota-team_manager": "10", "require_expertise": "no",
            "moderation_rule": "third_plus_good", "default_tool": "core.key_areas",
            "reaudit_after_months": "3", "reaudit_max_rounds": "2",
            "hos_review_inadequate": "yes", "inadequate_share_warning": "30"}
    bad = client.post(f"/single_agency/programme/{council.agency.id}",
                      data=form | {"cycles_per_year": "12"})
    assert bad.status_code == 400 and "cannot be more than the 11 months" in bad.text
    saved = client.post(f"/single_agency/programme/{council.agency.id}", data=form)
    assert saved.status_code == 302
    programme = db.session.scalar(select(Programme))
    assert (programme.cycles_per_year, programme.moderation_rule, programme.quotas) == (
        11, "third_plus_good", {"team_manager": 10})
    assert (programme.hos_review_inadequate, programme.inadequate_share_warning) == (True, 30)
    stale = client.post(f"/single_agency/programme/{council.agency.id}", data=form)
    assert stale.status_code == 409 and "have not been saved" in stale.text


def test_the_auditor_works_through_every_section_in_the_browser_pages(login, sent, council):
    client = login(council.tm_care)
    base = f"/single_agency/audits/{sent.id}"
    assert "File review and grading" in client.get(base).text
    assert client.get(f"{base}/file-review").status_code == 200
    form = grading_form(sent) | {"action": "finish"}
    assert client.post(f"{base}/file-review", data=form).status_code == 302
    assert sent.file_review_done_at is not None
    for page in ("safety", "conversation", "after-conversation", "family", "summary"):
        assert client.get(f"{base}/{page}").status_code == 200, page
    client.post(f"{base}/safety", data={"version": sent.version, "child_safety_concern": "no",
                                        "supervision_recent": "yes"})
    client.post(f"{base}/conversation", data={
        "version": sent.version, "conversation_with": ["practitioner"],
        "conversation_notes": "Talked it through.", **date_parts("conversation",
                                                                  date(2026, 3, 2))})
    client.post(f"{base}/after-conversation",
                data=grading_form(sent, answers=False) | {"version": sent.version})
    client.post(f"{base}/family", data={"contact_with": "child", "outcome": "declined",
                                        "by_whom": "Auditor",
                                        **date_parts("contacted", date(2026, 3, 2))})
    client.post(f"{base}/summary", data={"version": sent.version, "strengths": "Warm work.",
                                         "development": "Recording."})
    response = client.post(f"{base}/submit", data={"version": sent.version})
    assert response.status_code == 302
    assert sent.state == "qa_check"


def test_a_refused_section_shows_the_error_summary_and_keeps_what_was_typed(
        login, sent, council):
    client = login(council.tm_care)
    response = client.post(f"/single_agency/audits/{sent.id}/family", data={
        "contact_with": "parent_carer", "by_whom": "Auditor", "summary": "Typed and kept",
        **date_parts("contacted", date(2026, 3, 2))})
    assert response.status_code == 400
    assert 'href="#outcome"' in response.text and "Typed and kept" in response.text
    early = client.post(f"/single_agency/audits/{sent.id}/conversation", data={
        "version": sent.version, "conversation_notes": "Too soon"})
    assert early.status_code == 400 and "Finish the file review" in early.text


def test_a_stale_save_is_refused_with_a_conflict_and_nothing_typed_is_lost(
        login, sent, council):
    client = login(council.tm_care)
    opened = sent.version
    client.post(f"/single_agency/audits/{sent.id}/summary",
                data={"version": opened, "strengths": "Saved first"})
    response = client.post(f"/single_agency/audits/{sent.id}/summary",
                           data={"version": opened, "strengths": "Typed in the other tab"})
    assert response.status_code == 409
    assert "have not been saved" in response.text and "Typed in the other tab" in response.text
    db.session.expire_all()
    assert db.session.get(Audit, sent.id).strengths == "Saved first"


def test_the_qa_check_returns_with_comments_then_accepts(login, sent, council, rng):
    carry_out(sent)
    submit(sent)
    client = login(council.qa)
    page = client.get(f"/single_agency/audits/{sent.id}")
    assert "Accept the audit" in page.text
    short = client.post(f"/single_agency/audits/{sent.id}/return", data={"comments": "No"})
    assert short.status_code == 400 and 'href="#comments"' in short.text
    client.post(f"/single_agency/audits/{sent.id}/return",
                data={"comments": "Add evidence for standard C."})
    db.session.expire_all()
    assert db.session.get(Audit, sent.id).state == "returned"
    assert client.get("/single_agency/qa").status_code == 200


def test_the_safety_page_raises_an_alert_and_the_manager_resolves_it(login, sent, council):
    client = login(council.tm_care)
    client.post(f"/single_agency/audits/{sent.id}/safety", data={
        "version": sent.version, "child_safety_concern": "yes", "supervision_recent": "yes",
        "safety_notes": "Concern about the home conditions."})
    manager = login(council.tm_a)
    page = manager.get(f"/single_agency/audits/{sent.id}")
    assert "Safety alert" in page.text
    alerts = manager.get("/single_agency/alerts")
    assert alerts.status_code == 200 and sent.reference in alerts.text
    from plugins.single_agency.models import SafetyAlert

    alert = db.session.scalar(select(SafetyAlert))
    assert manager.get(f"/single_agency/alerts/{alert.id}").status_code == 200
    manager.post(f"/single_agency/alerts/{alert.id}/resolve",
                 data={"resolution": "Home visit made the same day; plan updated."})
    db.session.expire_all()
    assert db.session.get(SafetyAlert, alert.id).state == "resolved"


def test_the_start_page_lists_what_is_waiting(login, sent, council):
    page = login(council.tm_care).get("/single_agency/")
    assert page.status_code == 200 and sent.reference in page.text
