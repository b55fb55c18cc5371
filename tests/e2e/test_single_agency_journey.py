"""A whole case file audit cycle in a browser: the QA officer draws and sends the allocations;
the auditor reviews the file, holds the conversation, grades again, agrees an action and
submits; the QA team returns it once and then accepts it; a moderator downgrades a standard;
the team manager disputes the grades and the formal stage settles them; the team manager
records the discussion with the practitioner; the practitioner completes the action and the
team manager signs it off; the monthly report shows every measure. Each main page is checked
with axe on the way."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pyotp
import pytest
from playwright.sync_api import expect

from core.cases.service import register_case
from core.extensions import db
from tests.e2e.conftest import axe_violations
from tests.support import factories as f

pytestmark = pytest.mark.browser
CLOCKS = ("plugins.single_agency.clock.utcnow", "core.workflow.engine.utcnow",
          "core.actions.settings.utcnow")


@pytest.fixture
def march(monkeypatch):
    """The audit modules' clock stops on Monday 2 March 2026, the first day of a cycle."""
    from tests.plugins.single_agency.conftest import FrozenClock

    clock = FrozenClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    for target in CLOCKS:
        monkeypatch.setattr(target, clock)
    return clock


def _person(role, where, email, name, manager=None):
    user = f.make_user(role, where, email=email, name=name)
    if manager is not None:
        user.memberships[0].line_manager_id = manager.id
    return user


@pytest.fixture
def council(live_app, march):
    """Northbrook Council: an assessment team and a children-in-care team, each with a team
    manager and a practitioner under one service manager, a QA officer and the PSW; one
    coded case in each team; a programme that moderates every audit."""
    from plugins.single_agency.cycles import create_programme

    with live_app.app_context():
        p = f.make_partnership("Northbrook", "NB")
        council = f.make_agency(p, name="Northbrook Council")
        assessment, care = f.make_team(council, "Assessment"), f.make_team(council, "Care")
        sm = _person("service_manager", council, "sm@example.test", "Sam Service")
        tm = _person("team_manager", assessment, "tm@example.test", "Tam Manager", sm)
        worker = _person("practitioner", assessment, "sw@example.test", "Sol Worker", tm)
        auditor = _person("team_manager", care, "auditor@example.test", "Ari Auditor", sm)
        carer = _person("practitioner", care, "sw2@example.test", "Cai Worker", auditor)
        _person("qa_officer", council, "qa@example.test", "Quinn Officer")
        _person("principal_social_worker", council, "psw@example.test", "Pat Principal")
        for n, (team, who) in enumerate(((assessment, worker), (care, carer)), start=1):
            register_case(p, council, {"name": f"Child {n}", "date_of_birth": "2015-05-05",
                                       "record_id": f"R-{n}"},
                          {"cohort": "child_in_need", "team_id": team.id,
                           "practitioner_id": who.id}, None)
        programme = create_programme(council)
        programme.sample_per_team, programme.moderation_rule = 1, "all"
        db.session.commit()
    return live_app.config["LIVE_URL"]


def sign_in(browser, base: str, email: str):
    """A fresh browser context signed in as `email` (enrolling MFA where the role needs it)."""
    page = browser.new_context(bypass_csp=True).new_page()
    page.goto(f"{base}/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # wait for the next page itself (set-up code or dashboard), not just for the old one to go
    welcome = page.get_by_role("heading", name=re.compile(r"^Welcome, "))
    secret = page.get_by_test_id("mfa-secret")
    expect(secret.or_(welcome)).to_be_visible()
    if secret.count():
        page.get_by_label("Code").fill(pyotp.TOTP(re.sub(r"\s", "", secret.inner_text())).now())
        page.get_by_role("button", name=re.compile("Continue|Confirm")).click()
        page.get_by_role("button", name="Continue").click()
    expect(welcome).to_be_visible()
    return page


def draw_and_send(page, base: str) -> str:
    page.goto(f"{base}/single_agency/cycles")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Draw this month's sample").click()
    expect(page.get_by_role("heading", name=re.compile("March 2026 case file audits"))
           ).to_be_visible()
    assert axe_violations(page) == []
    row = page.locator("tbody tr", has_text="Assessment")
    reference = row.locator("td").first.inner_text().split()[0]
    row.locator("select").select_option(label="Ari Auditor")
    row.get_by_role("button", name=re.compile("Change")).click()
    expect(page.get_by_text(f"{reference} will go to Ari Auditor")).to_be_visible()
    page.locator("tbody tr", has_text="Care").locator("select").select_option(
        label="Tam Manager")
    page.locator("tbody tr", has_text="Care").get_by_role(
        "button", name=re.compile("Change")).click()
    page.get_by_role("button", name="Send the allocations").click()
    expect(page.get_by_text("2 allocations sent to the auditors")).to_be_visible()
    return reference


def file_review(page) -> None:
    page.get_by_role("link", name="File review and grading").click()
    expect(page.get_by_role("heading", name="File review and grading")).to_be_visible()
    assert axe_violations(page) == []
    for radio in page.locator("input[type=radio][value=yes]").all():
        radio.check()
    page.evaluate("""() => {  // a choice question: its first choice
      const names = new Set([...document.querySelectorAll('input[type=radio]')].map(r => r.name));
      for (const name of names) {
        const group = [...document.querySelectorAll(`input[name="${name}"]`)];
        if (!group.some(r => r.checked)) group[0].click();
      }
    }""")
    for box in page.locator("textarea[id^=q-], textarea[id$=-evidence]").all():
        box.fill("Seen in the record for the last six months.")
    for box in page.locator("input[type=text][id^=q-]").all():
        box.fill("10/02/2026")
    for grade in page.locator("select[id$=-grade]").all():
        grade.select_option("good")
    page.get_by_label("Overall grade", exact=True).select_option("good")
    page.get_by_role("button", name="Finish the file review").click()
    problems = page.locator(".govuk-error-summary")
    assert problems.count() == 0, problems.inner_text()
    expect(page.get_by_text("File review finished")).to_be_visible()


def the_rest_of_the_audit(page) -> None:
    page.get_by_role("link", name="Immediate-response check").click()
    page.locator("#child_safety_concern-2").check()  # no
    page.locator("#supervision_recent").check()  # yes
    page.get_by_role("button", name="Save the check").click()
    page.get_by_role("link", name="Reflective conversation").click()
    page.get_by_label("Day").fill("2")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("2026")
    page.get_by_label("Practitioner").check()
    page.get_by_label("What the conversation added").fill("The plan was reviewed in January.")
    page.get_by_role("button", name="Save the conversation").click()
    page.get_by_role("link", name="Grading after the conversation").click()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Save the grading").click()
    page.get_by_role("link", name="Family and child feedback").click()
    page.get_by_label("Parent or carer", exact=True).check()
    page.get_by_label("Spoke to them").check()
    page.get_by_label("Day").fill("2")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("2026")
    page.get_by_label("What they said").fill("Mother said the worker listens.")
    page.get_by_role("button", name="Add the contact").click()
    page.get_by_role("link", name="Strengths, development and actions").click()
    page.get_by_label("What will be done").fill("Bring the chronology up to date.")
    page.get_by_label("Who will do it").select_option(label="Sol Worker")
    page.get_by_label("Day").fill("20")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Add the action").click()
    expect(page.get_by_text("The action has been added")).to_be_visible()
    page.get_by_label("Strengths").fill("Warm, child-centred work.")
    page.get_by_label("Areas for development").fill("Keep the chronology up to date.")
    page.get_by_role("button", name="Save", exact=True).click()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Submit for the QA check").click()
    expect(page.get_by_text("sent to the QA team for checking")).to_be_visible()


def open_audit(page, base: str, reference: str) -> None:
    page.goto(f"{base}/single_agency/")
    page.get_by_role("link", name=reference).first.click()


def test_a_whole_cycle_as_the_people_do_it(live_app, browser, council):
    base = council
    qa = sign_in(browser, base, "qa@example.test")
    reference = draw_and_send(qa, base)

    auditor = sign_in(browser, base, "auditor@example.test")
    open_audit(auditor, base, reference)
    assert axe_violations(auditor) == []
    file_review(auditor)
    the_rest_of_the_audit(auditor)

    open_audit(qa, base, reference)
    qa.get_by_label("What needs amending").fill("Say more about the plan's timescales.")
    qa.get_by_role("button", name="Return for amendment").click()
    expect(qa.get_by_text("returned to the auditor for amendment")).to_be_visible()
    auditor.reload()
    expect(auditor.locator(".govuk-inset-text")).to_contain_text(
        "Say more about the plan's timescales.")
    auditor.get_by_role("button", name="Submit for the QA check").click()
    expect(auditor.get_by_text("sent to the QA team for checking")).to_be_visible()
    qa.reload()
    qa.get_by_role("button", name="Accept the audit").click()
    expect(qa.get_by_text(f"Audit {reference} accepted")).to_be_visible()

    qa.get_by_role("link", name="See the moderation").click()
    qa.get_by_label("Moderator").select_option(label="Pat Principal")
    qa.get_by_role("button", name="Ask them to moderate").click()
    expect(qa.get_by_text(f"Pat Principal has been asked to moderate {reference}")).to_be_visible()
    psw = sign_in(browser, base, "psw@example.test")
    open_audit(psw, base, reference)
    psw.get_by_role("link", name="See the moderation").click()
    assert axe_violations(psw) == []
    psw.locator("#C-grade").select_option("requires_improvement")
    psw.locator("#C-reason").fill("The plan has no timescales.")
    psw.get_by_role("button", name="Record the moderation").click()
    expect(psw.get_by_text(f"Moderation of {reference} recorded")).to_be_visible()

    tm = sign_in(browser, base, "tm@example.test")
    open_audit(tm, base, reference)
    tm.get_by_role("link", name="Dispute the grades").click()
    tm.get_by_label("Your written response").fill(
        "Standard C was met: timescales are in the January review.")
    tm.get_by_role("button", name="Raise the dispute").click()
    expect(tm.get_by_text("Your dispute has been recorded")).to_be_visible()
    tm.get_by_label("Day").fill("2")
    tm.get_by_label("Month").fill("3")
    tm.get_by_label("Year").fill("2026")
    tm.get_by_label("Summary of the discussion").fill("Met the auditor; we still disagree.")
    tm.get_by_role("button", name="Save").click()
    expect(tm.get_by_text("Recorded", exact=True)).to_be_visible()
    tm.get_by_label("Why the dispute is not resolved").fill("No agreement at the meeting.")
    tm.get_by_role("button", name="Escalate the dispute").click()
    expect(tm.get_by_text("The dispute has been escalated")).to_be_visible()

    qa.goto(tm.url)
    qa.get_by_label("Summary of the discussion").fill("Reviewed with the PSW.")
    qa.get_by_role("button", name="Save").click()
    qa.get_by_label("The grades stand").check()
    qa.get_by_label("The outcome and the reasons for it").fill(
        "The moderated grade for standard C stands: no timescales in the plan.")
    qa.get_by_role("button", name="Record the outcome").click()
    expect(qa.get_by_text("The outcome of the dispute has been recorded")).to_be_visible()
    assert "Resolved" in qa.locator("main").inner_text()
    assert axe_violations(qa) == []

    record_the_response(tm, base, reference)
    worker = sign_in(browser, base, "sw@example.test")
    complete_and_sign_off(worker, tm, base, reference)

    qa.goto(report_url(live_app, base))
    main = qa.locator("main")
    for title in ("completion against allocation", "grades", "moderation agreement",
                  "responses and actions", "re-audits", "safety alerts", "trend warnings",
                  "quotas by role", "disproportionality by ethnicity", "Make a Difference"):
        expect(main.get_by_role("heading", name=f"Case file audits: {title}")).to_be_visible()
    text = main.inner_text()
    for figure in ("Audits allocated", "Completion by team managers",
                   "After the conversation: good", "After moderation: good",
                   "Overall grade confirmed", "Cohen's kappa, auditor and moderator",
                   "Responses recorded on time", "Actions signed off", "Actions overdue",
                   "Re-audits completed", "Safety alerts raised", "Median hours to resolve",
                   "Practitioners with 2+ consecutive inadequate audits",
                   "Team managers on track for their quota", "audits / inadequate / caseload"):
        assert figure in text, figure
    assert "Child 1" not in text
    assert axe_violations(qa) == []


def record_the_response(tm, base: str, reference: str) -> None:
    open_audit(tm, base, reference)
    tm.get_by_role("link", name="See the sharing and response").click()
    assert axe_violations(tm) == []
    tm.get_by_label("Day").fill("2")
    tm.get_by_label("Month").fill("3")
    tm.get_by_label("Year").fill("2026")
    tm.get_by_label("What was discussed").fill("We went through the audit with Sol.")
    tm.get_by_label("Actions agreed").fill("Sol brings the chronology up to date by 20 March.")
    tm.get_by_role("button", name="Record the response").click()
    expect(tm.get_by_text("Your discussion and the agreed actions have been recorded")
           ).to_be_visible()


def complete_and_sign_off(worker, tm, base: str, reference: str) -> None:
    open_audit(worker, base, reference)
    worker.get_by_role("link", name="Bring the chronology up to date.").click()
    worker.get_by_role("button", name="Mark as complete").click()
    worker.get_by_label("What was done").fill("Chronology updated to 2 March; see the record.")
    worker.get_by_role("button", name="Mark as complete").click()
    expect(worker.get_by_text("Action completed")).to_be_visible()
    tm.goto(worker.url)
    tm.get_by_role("button", name="Sign off or return").click()
    tm.get_by_label("Met", exact=True).check()
    tm.get_by_role("button", name="Save the decision").click()
    expect(tm.get_by_text("Your sign-off decision is saved")).to_be_visible()


def report_url(live_app, base: str) -> str:
    from core.identity.models import Agency

    with live_app.app_context():
        council = db.session.scalar(db.select(Agency).where(Agency.name == "Northbrook Council"))
        return (f"{base}/reports/{council.partnerships[0].id}?period=monthly&start=2026-03-01"
                f"&end=2026-03-31&agency={council.id}")

