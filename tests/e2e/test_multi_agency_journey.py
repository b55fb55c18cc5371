"""A whole baseline multi-agency audit in a browser: the coordinator plans it with three
agencies and attaches a briefing pack the health auditor downloads, the health lead auditor
declares a conflict that blocks one case, the council and health auditors submit returns on
the pages, the police lead auditor makes a personal API token (shown once) and submits through
the API (retrying a POST), the consultation meeting is recorded, the report is published and
the action plan exported; then a second audit of the theme is compared with the baseline."""

from __future__ import annotations

import io
import re
from types import SimpleNamespace

import pyotp
import pytest
from playwright.sync_api import expect
from pypdf import PdfWriter

from core.cases.service import register_case
from core.extensions import db
from core.identity.models import User
from plugins.multi_agency import consultation, group, lifecycle, programme, report
from plugins.multi_agency.clock import london_today
from plugins.multi_agency.models import MultiAgencyAudit
from plugins.multi_agency.returns import save_return
from plugins.multi_agency.selection import select_case
from tests.e2e.conftest import axe_violations
from tests.plugins.multi_agency.conftest import CORE_GRADES, body, complete, start
from tests.support import factories as f

pytestmark = pytest.mark.browser
CASES = 8


def _pack() -> bytes:
    """A real (blank, two-page) PDF: downloads are read back by the leak check."""
    writer, out = PdfWriter(), io.BytesIO()
    for _ in range(2):
        writer.add_blank_page(595, 842)
    writer.write(out)
    return out.getvalue()


PACK = _pack()


@pytest.fixture
def partnership(live_app):
    """Northbrook: council, police and health; a lead auditor each; eight coded cases."""
    with live_app.app_context():
        p = f.make_partnership("Northbrook", "NB")
        council = f.make_agency(p, name="Northbrook Council")
        police = f.make_agency(p, name="Northbrook Police", type="police")
        health = f.make_agency(p, name="Northbrook Health", type="health")
        f.make_user("partnership_coordinator", p, email="coord@example.test",
                    name="Casey Coordinator")
        f.make_user("board_member", p, email="board@example.test", name="Bea Board")
        for a in (council, police, health):
            f.make_user("agency_lead_auditor", a, email=f"lead.{a.type}@example.test",
                        name=f"Lead {a.type}")
        codes = [register_case(p, council, {"name": f"Child {n}", "date_of_birth": "2012-02-02",
                                            "record_id": f"R-{n}"},
                               {"cohort": "child_protection"}, None).code
                 for n in range(CASES)]
        db.session.commit()
        return {"codes": codes, "police_id": police.id,
                "council_id": council.id, "health_id": health.id}


def sign_in(browser, base: str, email: str):
    page = browser.new_context(bypass_csp=True, accept_downloads=True).new_page()
    page.goto(f"{base}/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # wait for the next page itself (set-up code or dashboard), not just for the old one to go
    welcome = page.get_by_role("heading", name=re.compile(r"^Welcome, "))
    secret = page.get_by_test_id("mfa-secret")
    expect(secret.or_(welcome)).to_be_visible()
    if secret.count():  # roles that may reveal identity must enrol MFA first
        page.get_by_label("Code").fill(pyotp.TOTP(re.sub(r"\s", "", secret.inner_text())).now())
        page.get_by_role("button", name=re.compile("Continue|Confirm")).click()
        page.get_by_role("button", name="Continue").click()
    expect(welcome).to_be_visible()
    return page


def plan_with_three_agencies(page, base: str, codes: list[str]) -> int:
    page.goto(f"{base}/multi-agency/")
    page.get_by_role("link", name="Plan an audit").click()
    page.get_by_label("Title", exact=True).fill("Neglect baseline 2026")
    page.get_by_label("Theme", exact=True).fill("Neglect")
    page.get_by_label("Terms of reference").fill("How well do agencies respond to neglect?")
    page.get_by_label("Cohort", exact=True).fill("Children on child protection plans")
    page.get_by_label("Yes, later audits of the theme are compared with it").check()
    page.get_by_label("Sub-committee that owns the audit").fill("QA sub-committee")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Plan the audit").click()
    expect(page.get_by_text("Audit planned")).to_be_visible()
    audit_id = int(page.url.rstrip("/").split("/")[-1])
    page.get_by_role("link", name="Audit group").click()
    for name in ("Northbrook Council", "Northbrook Police", "Northbrook Health"):
        page.get_by_label("Add an agency").select_option(label=name)
        page.get_by_role("button", name="Add agency").click()
    for kind, name in (("childrens_services", "Council"), ("police", "Police"),
                       ("health", "Health")):
        page.get_by_label(f"Lead auditor for Northbrook {name}").select_option(
            label=f"Lead {kind} (lead.{kind}@example.test)")
        page.locator("form", has=page.get_by_label(f"Lead auditor for Northbrook {name}")
                     ).get_by_role("button", name="Nominate").click()
        expect(page.get_by_text("Lead auditor nominated")).to_be_visible()
    page.goto(f"{base}/multi-agency/{audit_id}/cases")
    for code in codes:
        page.get_by_label("Case code").fill(code)
        page.get_by_role("button", name="Select case").click()
    expect(page.get_by_text(f"{len(codes)} selected of 8 to 10 planned")).to_be_visible()
    return audit_id


def attach_briefing(page, base: str, audit_id: int) -> None:
    """The coordinator attaches the briefing pack the group reads before auditing."""
    page.goto(f"{base}/multi-agency/{audit_id}")
    page.get_by_label("Title", exact=True).fill("Neglect briefing pack")
    page.get_by_label("Notes", exact=True).fill("Read the pack before the pre-meeting.")
    page.get_by_label("Attach a file (optional)").set_input_files(
        files=[{"name": "neglect-pack.pdf", "mimeType": "application/pdf", "buffer": PACK}])
    page.get_by_role("button", name="Add briefing").click()
    expect(page.get_by_text("Briefing material added")).to_be_visible()
    assert axe_violations(page) == []


def read_briefing(page, base: str, audit_id: int, reference: str) -> None:
    page.goto(f"{base}/multi-agency/{audit_id}")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download neglect-pack.pdf").click()
    assert download.value.suggested_filename.startswith(f"{reference}-briefing-")
    with open(download.value.path(), "rb") as got:
        assert got.read() == PACK


def declare(page, base: str, audit_id: int, conflict: str | None) -> None:
    page.goto(f"{base}/multi-agency/{audit_id}/declarations")
    for group_box in page.locator("fieldset").all():
        legend = group_box.locator("legend").inner_text()
        choice = "I have had involvement" if conflict and conflict in legend else \
            "I have had no involvement"
        group_box.get_by_label(re.compile(choice)).check()
    page.get_by_role("button", name="Save declarations").click()
    expect(page.get_by_text("Declarations saved")).to_be_visible()


def submit_on_the_page(page, base: str, audit_id: int, code: str, agency_id: int) -> None:
    page.goto(f"{base}/multi-agency/{audit_id}/cases/{code}/returns/{agency_id}")
    for radio in page.locator("input[type=radio][name^='grades.'][value='good']").all():
        radio.check()
    for radio in page.locator("input[type=radio][name^='answers.'][value='yes']").all():
        radio.check()
    page.locator("input[name=overall][value=good]").check()
    page.get_by_label(re.compile("^Evidence from your agency")).fill("Chronology and notes read.")
    page.get_by_label("What worked well").fill("Prompt referral.")
    page.get_by_label("What did not work well").fill("Late report to conference.")
    page.get_by_role("button", name="Submit the return").click()
    expect(page.get_by_text("Return submitted")).to_be_visible()


def police_makes_a_token(page, base: str) -> str:
    """The police lead auditor makes a personal token for their force's system; it is shown
    once, then never again."""
    page.goto(f"{base}/account/api-tokens/")
    page.get_by_label("What the token is for").fill("Police case system upload")
    page.get_by_label("Northbrook Police").check()
    page.get_by_role("button", name="Make token").click()
    expect(page.get_by_text("Token created")).to_be_visible()
    token = page.get_by_test_id("api-token").inner_text().strip()
    assert axe_violations(page) == []
    page.goto(f"{base}/account/api-tokens/")
    expect(page.get_by_test_id("api-token")).to_have_count(0)
    return token


def police_through_the_api(page, base: str, reference: str, code: str, token: str) -> None:
    url = f"{base}/api/v1/multi-agency/audits/{reference}/cases/{code}/return"
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": f"police-{code}"}
    payload = body("police", submit=True)
    first = page.request.post(url, data=payload, headers=headers)
    again = page.request.post(url, data=payload, headers=headers)  # a retry after a timeout
    assert first.status == again.status == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert first.json()["status"] == "submitted"


def test_a_baseline_audit_from_plan_to_report_then_a_comparison(live_app, browser, partnership):
    base, codes = live_app.config["LIVE_URL"], partnership["codes"]
    coordinator = sign_in(browser, base, "coord@example.test")
    audit_id = plan_with_three_agencies(coordinator, base, codes)
    attach_briefing(coordinator, base, audit_id)
    with live_app.app_context():
        reference = db.session.get(MultiAgencyAudit, audit_id).reference

    health = sign_in(browser, base, "lead.health@example.test")
    read_briefing(health, base, audit_id, reference)
    declare(health, base, audit_id, conflict=codes[0])
    with live_app.app_context():
        audit = db.session.get(MultiAgencyAudit, audit_id)
        council_lead = audit.participant(partnership["council_id"]).lead_auditor
        for selected, _ in group.cases_of_auditor(audit, council_lead):
            group.declare(audit, selected, council_lead, False)
        db.session.commit()
    police = sign_in(browser, base, "lead.police@example.test")
    declare(police, base, audit_id, conflict=None)
    coordinator.goto(f"{base}/multi-agency/{audit_id}")
    coordinator.get_by_role("button", name="Start auditing").click()
    expect(coordinator.get_by_text("Auditing has started")).to_be_visible()

    council = sign_in(browser, base, "lead.childrens_services@example.test")
    submit_on_the_page(council, base, audit_id, codes[1], partnership["council_id"])
    health.goto(f"{base}/multi-agency/{audit_id}/cases/{codes[0]}/returns/"
                f"{partnership['health_id']}")
    expect(health.get_by_test_id("refusal")).to_contain_text("conflict")
    submit_on_the_page(health, base, audit_id, codes[1], partnership["health_id"])
    police_through_the_api(police, base, reference, codes[1], police_makes_a_token(police, base))

    # the council cannot read the police return before the meeting
    answer = council.goto(f"{base}/multi-agency/{audit_id}/cases/{codes[1]}/returns/"
                          f"{partnership['police_id']}")
    assert answer.status == 404
    coordinator.goto(f"{base}/multi-agency/{audit_id}/progress")
    expect(coordinator.get_by_test_id("progress-total")).to_contain_text("3 of 24")
    expect(coordinator.get_by_text("Blocked: conflict declared")).to_be_visible()

    with live_app.app_context():  # the remaining returns, as the auditors' systems would
        audit = db.session.get(MultiAgencyAudit, audit_id)
        for selected in audit.cases[2:]:
            for agency_id, kind in ((partnership["council_id"], "childrens_services"),
                                    (partnership["police_id"], "police"),
                                    (partnership["health_id"], "health")):
                lead = audit.participant(agency_id).lead_auditor
                save_return(audit, selected, agency_id, lead, complete(kind), submit=True)
        db.session.commit()

    coordinator.goto(f"{base}/multi-agency/{audit_id}/consultation")
    coordinator.get_by_label("Agency partners (the lead auditors)").check()
    coordinator.get_by_label("The participation worker who saw the children and families").check()
    coordinator.get_by_role("button", name="Record the meeting").click()
    expect(coordinator.get_by_text("Consultation meeting recorded")).to_be_visible()
    expect(coordinator.get_by_text("Attended by:")).to_be_visible()
    answer = council.goto(f"{base}/multi-agency/{audit_id}/cases/{codes[1]}/returns/"
                          f"{partnership['police_id']}")
    assert answer.status == 200  # after the meeting, every agency's return is shared

    coordinator.goto(f"{base}/multi-agency/{audit_id}/cases/{codes[1]}/finding")
    for radio in coordinator.locator("input[type=radio][name^='grades.'][value='good']").all():
        radio.check()
    coordinator.locator("input[name=overall][value=good]").check()
    coordinator.get_by_label("What the meeting agreed").fill("Good multi-agency response.")
    coordinator.get_by_label("Dissent (optional)").fill("Health thought requires improvement.")
    coordinator.get_by_role("button", name="Save the finding").click()
    with live_app.app_context():
        audit = db.session.get(MultiAgencyAudit, audit_id)
        for selected in audit.cases:
            if consultation.finding_of(selected) is None:
                consultation.record_finding(audit, selected, CORE_GRADES, "requires_improvement",
                                            "Agreed.", None,
                                            db.session.get(User, audit.created_by_id))
        db.session.commit()

    coordinator.goto(f"{base}/multi-agency/{audit_id}/report/edit")
    coordinator.get_by_label("Key outcomes", exact=True).fill("Neglect is recognised late.")
    coordinator.get_by_label("Recommendations", exact=True).fill("Use the neglect toolkit.")
    coordinator.get_by_role("button", name="Publish the report and start the action plan").click()
    expect(coordinator.get_by_text("Report published and action plan started")).to_be_visible()
    expect(coordinator.get_by_text("Health thought requires improvement.")).to_be_visible()

    board = sign_in(browser, base, "board@example.test")
    board.goto(f"{base}/multi-agency/{audit_id}")
    with board.expect_download() as download:
        board.get_by_role("link", name="Action plan (Excel)").click()
    assert download.value.suggested_filename == f"{reference}-action-plan.xlsx"

    with live_app.app_context():  # a second audit of the theme, run through to its meeting
        second = _second_audit(partnership, audit_id)
    coordinator.goto(f"{base}/multi-agency/{second}/comparison")
    expect(coordinator.get_by_text(reference).first).to_be_visible()
    assert "Improved" in coordinator.locator("[data-testid=comparison-1]").inner_text()
    assert axe_violations(coordinator) == []


def _second_audit(partnership: dict, baseline_id: int) -> int:
    baseline = db.session.get(MultiAgencyAudit, baseline_id)
    coordinator = db.session.get(User, baseline.created_by_id)
    values = programme.suggested(london_today())
    values.title, values.theme, values.terms_of_reference = "Neglect re-audit", "neglect", "T"
    values.cohort, values.sub_committee = "CP plans", "QA sub-committee"
    audit = programme.plan_audit(baseline.partnership, values, coordinator)
    for p in baseline.participants:
        group.add_participant(audit, p.agency, coordinator)
        group.nominate(audit, p.agency_id, p.lead_auditor, coordinator)
    for selected in baseline.cases:
        select_case(audit, selected.code, coordinator)
    leads = {key: baseline.participant(partnership[f"{name}_id"]).lead_auditor
             for key, name in (("lead_a", "council"), ("lead_b", "police"), ("lead_h", "health"))}
    ma = SimpleNamespace(coordinator=coordinator, **leads)
    start(audit, ma)
    lifecycle.record_consultation(audit, london_today(), london_today(), coordinator)
    for selected in audit.cases:
        consultation.record_finding(audit, selected, CORE_GRADES, "good", "Better.", None,
                                    coordinator)
    report.save_report(audit, report.ReportText("O", "L", "R"), {}, coordinator)
    db.session.commit()
    return audit.id
