"""A practice week in Chromium: the QA officer plans the week, adds the senior leaders and
builds the schedule (a clash and a direct-report pairing are refused with clear messages) and
tells everyone; the practitioner records the family's written consent; the director records
the home visit with the family's confirmation on the day, grades the standards with evidence
and sends the written feedback; the practitioner adds their reflection; the director agrees a
development action; the QA officer audits a case by code with the family's view, reads the
summary and downloads it as a PDF. Every page passes axe-core."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime

import pyotp
import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from core.cases.service import register_case
from core.extensions import db
from tests.e2e.conftest import axe_violations
from tests.support import factories as f
from tests.support.clock import FrozenClock

pytestmark = pytest.mark.browser
CANARY = {"name": "ZZCANARY-NAME", "date_of_birth": "2011-01-01", "record_id": "ZZREF-0001"}


@pytest.fixture
def frozen(monkeypatch):
    now = FrozenClock(datetime(2026, 9, 28, 9, 0, tzinfo=UTC))  # Monday 28 September 2026
    for target in ("plugins.practice_week.clock.utcnow", "core.workflow.engine.utcnow",
                   "core.workflow.sweep.utcnow", "core.actions.settings.utcnow"):
        monkeypatch.setattr(target, now)
    return now


@pytest.fixture
def council(live_app, frozen):
    """Northbrook Council: a QA officer, the director, a head of service who line-manages the
    Assessment team's manager, who line-manages two practitioners."""
    with live_app.app_context():
        partnership = f.make_partnership("Northbrook", "NB")
        agency = f.make_agency(partnership, name="Northbrook Council")
        team = f.make_team(agency, "Assessment")
        f.make_user("qa_officer", agency, email="qa@example.test", name="Quinn QA")
        f.make_user("director", agency, email="dcs@example.test", name="Dana Director")
        hos = f.make_user("head_of_service", agency, email="hos@example.test", name="Hari Head")
        tm = f.make_user("team_manager", team, email="tm@example.test", name="Tara Manager")
        sw1 = f.make_user("practitioner", team, email="sw1@example.test", name="Sam Worker")
        sw2 = f.make_user("practitioner", team, email="sw2@example.test", name="Kit Colleague")
        tm.memberships[0].line_manager = hos
        sw1.memberships[0].line_manager = tm
        sw2.memberships[0].line_manager = tm
        case = register_case(partnership, agency, CANARY, {"cohort": "child_in_need"}, None)
        db.session.commit()
        return live_app.config["LIVE_URL"], case.code


def sign_in(browser, base: str, email: str, name: str):
    """A fresh browser context signed in as `email` (enrolling MFA if the role needs it)."""
    page = browser.new_context(bypass_csp=True, accept_downloads=True).new_page()
    page.goto(f"{base}/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    welcome = page.get_by_role("heading", name=f"Welcome, {name}")
    expect(page.get_by_test_id("mfa-secret").or_(welcome)).to_be_visible()
    if page.get_by_test_id("mfa-secret").count():
        secret = re.sub(r"\s", "", page.get_by_test_id("mfa-secret").inner_text())
        page.get_by_label("Code").fill(pyotp.TOTP(secret).now())
        page.get_by_role("button", name=re.compile("Continue|Confirm")).click()
        page.get_by_role("button", name="Continue").click()
    expect(welcome).to_be_visible()
    return page


def checked(page) -> None:
    assert axe_violations(page) == []


def fill_date(page, name: str, day: date) -> None:
    page.locator(f"#{name}-day").fill(str(day.day))
    page.locator(f"#{name}-month").fill(str(day.month))
    page.locator(f"#{name}-year").fill(str(day.year))


def plan_week(page, base: str) -> None:
    page.goto(f"{base}/practice_week/")
    checked(page)
    page.get_by_role("button", name="Plan a practice week").click()
    checked(page)
    page.get_by_label("Title of the week").fill("Autumn practice week")
    page.get_by_label("Theme").fill("The child's voice")
    page.get_by_label("What practitioners asked the week to look at").fill(
        "Direct work with teenagers")
    fill_date(page, "starts_on", date(2026, 10, 5))
    fill_date(page, "ends_on", date(2026, 10, 9))
    page.get_by_label("Observation of practice: Professional Capabilities Framework").check()
    page.get_by_role("button", name="Plan the week").click()
    expect(page.get_by_text(re.compile(r"Practice week PW-\d+ is planned"))).to_be_visible()
    for name, capacity in (("Dana Director", "Director of children's services"),
                           ("Hari Head", "Head of service")):
        page.get_by_label("Senior leader").select_option(label=name)
        page.get_by_label(capacity).check()
        page.get_by_role("button", name="Add the leader").click()
        expect(page.get_by_text(f"{name} is taking part in the practice week.")).to_be_visible()
    checked(page)


def schedule(page, observer: str, practitioner: str, event: str, starts: str,
             ends: str) -> None:
    page.get_by_label("Observer").select_option(label=observer)
    page.get_by_label("Practitioner to be observed").select_option(
        label=f"{practitioner} (Assessment)")
    page.get_by_label(event, exact=True).check()
    fill_date(page, "on", date(2026, 10, 6))
    page.get_by_label("Start time").fill(starts)
    page.get_by_label("End time").fill(ends)
    page.get_by_role("button", name="Add to the schedule").click()


def build_schedule(page) -> None:
    page.get_by_role("button", name="Schedule an observation").click()
    checked(page)
    schedule(page, "Dana Director", "Sam Worker", "Home visit", "10:00", "11:30")
    expect(page.get_by_text(re.compile(r"Observation OBS-\d+ is on the schedule"))) \
        .to_be_visible()

    page.get_by_role("button", name="Schedule an observation").click()
    schedule(page, "Hari Head", "Tara Manager", "Supervision", "14:00", "15:00")
    expect(page.get_by_role("link", name="Tara Manager reports directly to Hari Head: choose "
                                         "a leader outside their line management")) \
        .to_be_visible()
    checked(page)
    schedule(page, "Hari Head", "Sam Worker", "Supervision", "11:00", "12:00")
    expect(page.get_by_role("link", name=re.compile(
        r"Sam Worker is already in observation OBS-\d+ on 6 October at 10:00"))).to_be_visible()
    schedule(page, "Hari Head", "Kit Colleague", "Team meeting", "13:00", "14:00")
    expect(page.get_by_text(re.compile(r"Observation OBS-\d+ is on the schedule"))) \
        .to_be_visible()
    page.get_by_role("button", name="Tell everyone about the schedule").click()
    expect(page.get_by_text("people have been told about their observations")).to_be_visible()
    checked(page)


def open_observation(page, base: str) -> None:
    page.goto(f"{base}/practice_week/")
    page.locator("tr", has_text="Home visit").get_by_role("link").click()


def record_consent(page, base: str) -> None:
    open_observation(page, base)
    checked(page)
    page.get_by_role("link", name=re.compile("Record consent")).click()
    checked(page)
    fill_date(page, "written_consent_on", date(2026, 10, 1))
    page.get_by_role("button", name="Record consent").click()
    expect(page.get_by_text("The family's written consent is recorded.")).to_be_visible()


def write_record(page, base: str) -> None:
    open_observation(page, base)
    page.get_by_role("button", name="Write the observation record").click()
    checked(page)
    fill_date(page, "observed_on", date(2026, 10, 6))
    page.locator("#with_family").check()  # yes, with the family
    page.locator("#verbal_consent").check()  # yes, confirmed on the day
    page.get_by_label("Situation").fill("Home visit to review the child in need plan")
    page.get_by_label("Aim of the intervention").fill("Hear the young person's views")
    page.get_by_label("Those present").fill("Mother, young person aged 14")
    fill_date(page, "verbal_feedback_on", date(2026, 10, 6))
    for code, grade in (("PCF7", "#grade_PCF7-2"), ("PCF6", "#grade_PCF6-3")):
        page.locator(f"#standards-{code}").check()
        page.locator(grade).check()
        page.locator(f"#evidence_{code}").fill(f"Seen during the visit ({code})")
    page.get_by_label("Positive aspects of practice").fill("Warm and curious")
    page.get_by_label("Areas for further development").fill("Analysis of risk")
    page.get_by_label("The practitioner's ability to reflect").fill("Open and thoughtful")
    page.get_by_role("button", name="Save the observation record").click()
    expect(page.get_by_text("The observation record is saved.")).to_be_visible()
    checked(page)
    page.get_by_role("button", name="Send the written feedback").click()
    expect(page.get_by_text("The written feedback is sent.")).to_be_visible()


def reflect(page, base: str) -> None:
    open_observation(page, base)
    page.get_by_role("button", name="Add your reflection").click()
    checked(page)
    page.get_by_label("Did you achieve the aims of the session?").fill("Mostly")
    page.get_by_label("What do you think you did well?").fill("Listening")
    page.get_by_label("What could you have improved on?").fill("Summarising risk")
    page.get_by_label("How do you intend to do this?").fill("Use the risk framework")
    page.get_by_role("button", name="Add your reflection").click()
    expect(page.get_by_text("Your reflection is added.")).to_be_visible()
    checked(page)


def agree_action(page, base: str) -> None:
    open_observation(page, base)
    page.get_by_label("Action agreed with the practitioner").fill("Risk analysis training")
    fill_date(page, "due", date(2026, 11, 6))
    page.get_by_role("button", name="Agree the action").click()
    expect(page.get_by_text(re.compile(r"Action \S+ is agreed"))).to_be_visible()


def audit_a_case(page, base: str, code: str) -> None:
    page.goto(f"{base}/practice_week/")
    page.get_by_role("link", name="Autumn practice week").click()
    page.get_by_role("link", name="Audit a case during the week").click()
    checked(page)
    page.locator("#tool").check()
    page.get_by_role("button", name="Continue").click()
    checked(page)
    page.get_by_label("Case code").fill(code)
    names = page.eval_on_selector_all("input[type=radio][name^=domain_]",
                                      "els => [...new Set(els.map(e => e.name))]")
    for name in names:
        page.locator(f"input[name='{name}']").nth(1).check()  # good
    page.locator("input[name='overall']").nth(1).check()
    page.get_by_label("What the audit found").fill("The plan is clear and reviewed on time.")
    page.get_by_label("Parent or carer", exact=True).check()
    page.get_by_label("Spoke to them", exact=True).check()
    fill_date(page, "family_on", date(2026, 10, 6))
    page.get_by_label("What the family said").fill("The worker listens to us.")
    page.get_by_role("button", name="Record the audit").click()
    expect(page.get_by_text(re.compile(r"Case audit PWA-\d+ is recorded"))).to_be_visible()
    assert "ZZCANARY-NAME" not in page.content()


def summary(page, base: str) -> None:
    page.goto(f"{base}/practice_week/")
    page.get_by_role("link", name="Autumn practice week").click()
    page.get_by_role("link", name="See the practice week summary").click()
    expect(page.get_by_test_id("done-vs-planned")).to_have_text("1 of 2 (50%)")
    expect(page.get_by_text("Development themes: Critical reflection and analysis")) \
        .to_be_visible()
    expect(page.get_by_text("Risk analysis training")).to_be_visible()
    expect(page.get_by_test_id("audits-count")).to_have_text("Case audits: 1.")
    checked(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="Download the summary as PDF").click()
    content = info.value.path().read_bytes()
    assert content.startswith(b"%PDF")
    text = " ".join(" ".join(p.extract_text().split())
                    for p in PdfReader(io.BytesIO(content)).pages)
    assert "Observations done: 1 of 2 planned (50%)" in text
    assert "Risk analysis training" in text


def test_a_practice_week_is_planned_observed_reflected_on_and_summarised(
        browser, council, frozen):
    base, code = council
    qa = sign_in(browser, base, "qa@example.test", "Quinn QA")
    plan_week(qa, base)
    build_schedule(qa)

    frozen.now = datetime(2026, 10, 1, 16, 0, tzinfo=UTC)
    worker = sign_in(browser, base, "sw1@example.test", "Sam Worker")
    record_consent(worker, base)

    frozen.now = datetime(2026, 10, 6, 15, 0, tzinfo=UTC)
    director = sign_in(browser, base, "dcs@example.test", "Dana Director")
    write_record(director, base)

    reflect(worker, base)
    agree_action(director, base)
    audit_a_case(qa, base, code)
    summary(qa, base)
