"""The Regulation 44 journey in a browser: the coordinator registers a home, places a child by
code, assigns an independent person and generates March's schedule; the independent person
records the visit, hears a child's views by code, writes and finishes the report, exports the
PDF and records the home's response; April's visit then shows the open recommendation."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import pyotp
import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from core.cases.service import register_case
from core.extensions import db
from tests.e2e.conftest import axe_violations
from tests.support import factories as f

pytestmark = pytest.mark.browser
CANARY = {"name": "ZZCANARY-NAME", "date_of_birth": "2011-01-01", "record_id": "ZZREF-0001"}
RECOMMENDATION = "Review the missing-from-home protocol with every member of staff."
RESPONSE = "The protocol is on the agenda of the March team meeting."


class FrozenClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def frozen_reg44(monkeypatch):
    """The plugin's and the workflow engine's clock (the server runs in this process)."""
    clock = FrozenClock(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))  # Monday 2 March 2026
    for target in ("plugins.reg44.clock.utcnow", "core.workflow.engine.utcnow",
                   "core.workflow.sweep.utcnow"):
        monkeypatch.setattr(target, clock)
    return clock


@pytest.fixture
def reg44_world(live_app, frozen_reg44):
    """Northbrook Council with the team that runs Oakwood, a coordinator, an independent
    person, and a coded child carrying the identity canary."""
    with live_app.app_context():
        p = f.make_partnership("Northbrook", "NB")
        council = f.make_agency(p, name="Northbrook Council")
        f.make_team(council, "Oakwood house")
        f.make_user("partnership_coordinator", p, email="coord@example.test",
                    name="Casey Coordinator")
        f.make_user("reg44_visitor", council, email="vera@example.test", name="Vera Visitor")
        case = register_case(p, council, CANARY, {"cohort": "child_in_care"}, None)
        db.session.commit()
        return live_app.config["LIVE_URL"], case.code


def sign_in(browser, base: str, email: str):
    """A fresh browser context signed in as `email`, enrolling MFA when the role needs it."""
    page = browser.new_context(bypass_csp=True, accept_downloads=True).new_page()
    page.goto(f"{base}/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    if page.get_by_test_id("mfa-secret").count():
        secret = re.sub(r"\s", "", page.get_by_test_id("mfa-secret").inner_text())
        page.get_by_label("Code").fill(pyotp.TOTP(secret).now())
        page.get_by_role("button", name=re.compile("Continue|Confirm")).click()
        page.get_by_role("button", name="Continue").click()
    return page


def fill_date(page, name: str, day: int, month: int, year: int) -> None:
    page.locator(f"#{name}-day").fill(str(day))
    page.locator(f"#{name}-month").fill(str(month))
    page.locator(f"#{name}-year").fill(str(year))


def register_home(page, base: str, code: str) -> None:
    page.goto(f"{base}/reg44/homes")
    page.get_by_role("button", name="Register a home").click()
    page.get_by_label("Agency responsible for the home").select_option(label="Northbrook Council")
    page.get_by_label("Name of the home").fill("Oakwood")
    page.get_by_label("The authority's own home").check()
    page.get_by_label("Team that runs the home").select_option(
        label="Northbrook Council: Oakwood house")
    page.get_by_label("Provider").fill("Northbrook Council")
    page.get_by_label("Registered manager's role or title").fill("Registered manager")
    page.get_by_label("Ofsted URN (optional)").fill("SC123456")
    page.get_by_label("Number of beds").fill("4")
    page.get_by_label("Monthly").check()
    page.get_by_role("button", name="Register the home").click()
    expect(page.get_by_text("Oakwood is registered.")).to_be_visible()
    page.get_by_label("Case code").fill(code)
    fill_date(page, "placed_on", 1, 3, 2026)
    page.get_by_role("button", name="Record the placement").click()
    expect(page.get_by_text(f"{code} is recorded as placed at Oakwood.")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Assign the independent person").click()
    page.get_by_label("Vera Visitor").check()
    fill_date(page, "starts_on", 1, 3, 2026)
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_text("Vera Visitor is the independent person for Oakwood.")).to_be_visible()


def generate_schedule(page, base: str, month: str) -> None:
    page.goto(f"{base}/reg44/schedule?month={month}")
    page.get_by_label("Month").fill(month)
    page.get_by_role("button", name="Generate the schedule").click()
    page.get_by_role("button", name="See the result").click()
    expect(page.get_by_role("link", name="Oakwood")).to_be_visible()


def open_visit(page, base: str, month_label: str) -> None:
    page.goto(f"{base}/reg44/")
    row = page.locator("tr", has_text=month_label)
    row.get_by_role("link").click()


def write_report(page, code: str) -> None:
    page.get_by_role("link", name="Who you spoke to").click()
    page.get_by_label("Registered manager").check()
    page.get_by_role("button", name="Save and go back").click()

    page.get_by_role("link", name="Children spoken to").click()
    page.get_by_label("Case code").select_option(label=code)
    page.get_by_label("On their own").check()
    page.locator("#consent").check()  # yes, the child agreed to share their views
    page.get_by_label("What the child told you").fill("I feel safe here and staff listen.")
    page.get_by_label("Feeling safe").check()
    page.get_by_role("button", name="Add the child").click()
    page.get_by_role("link", name="Back to the report").click()

    page.get_by_role("link", name="Quality standards and records examined").click()
    assert axe_violations(page) == []
    for box in page.locator("textarea").all():
        box.fill("Seen in the home and in the records; no concerns.")
    names = page.eval_on_selector_all("input[type=radio]",
                                      "els => [...new Set(els.map(e => e.name))]")
    for name in names:
        page.locator(f"input[name='{name}']").first.check()  # "Yes" / "Examined: no concerns"
    page.get_by_role("button", name="Save and go back").click()

    page.get_by_role("link", name="Your opinion").click()
    page.locator("#safeguarded").check()
    page.locator("#safeguarded_reason").fill("Risks are known and managed well.")
    page.locator("#wellbeing").check()
    page.locator("#wellbeing_reason").fill("Children are settled and busy.")
    page.get_by_role("button", name="Save and go back").click()

    page.get_by_role("link", name="Recommendations", exact=True).click()
    page.get_by_label("Recommendation", exact=True).fill(RECOMMENDATION)
    page.get_by_label("Quality standard it is about").select_option(label="Protection of children")
    page.get_by_role("button", name="Add the recommendation").click()
    page.get_by_role("link", name="Back to the report").click()


def export_pdf(page, code: str) -> None:
    with page.expect_download() as download:
        page.get_by_role("button", name="Export the report as PDF").click()
    content = download.value.path().read_bytes()
    text = " ".join(" ".join(p.extract_text().split())
                    for p in PdfReader(io.BytesIO(content)).pages)
    assert "OFFICIAL-SENSITIVE" in text and code in text and RECOMMENDATION in text
    assert "ZZCANARY-NAME" not in text and "ZZREF-0001" not in text


def test_a_home_is_visited_reported_on_and_its_recommendation_carried_to_next_month(
        live_app, browser, reg44_world, frozen_reg44):
    base, code = reg44_world
    coordinator = sign_in(browser, base, "coord@example.test")
    register_home(coordinator, base, code)
    generate_schedule(coordinator, base, "2026-03")

    visitor = sign_in(browser, base, "vera@example.test")
    open_visit(visitor, base, "March 2026")
    visitor.get_by_role("button", name="Record the visit").click()
    fill_date(visitor, "visited_on", 2, 3, 2026)
    visitor.get_by_label("Unannounced").check()
    visitor.get_by_role("button", name="Record the visit").click()
    expect(visitor.get_by_text("The visit is recorded.")).to_be_visible()
    assert axe_violations(visitor) == []
    write_report(visitor, code)
    visitor.get_by_role("button", name="Finish the report").click()
    expect(visitor.get_by_text("The report is finished.")).to_be_visible()
    export_pdf(visitor, code)

    visitor.get_by_role("link", name="Record the home's response").click()
    visitor.get_by_label("The home's response").fill(RESPONSE)
    fill_date(visitor, "received_on", 2, 3, 2026)
    fill_date(visitor, "target_on", 20, 3, 2026)
    visitor.get_by_role("button", name="Record the response").click()
    expect(visitor.get_by_text(RESPONSE)).to_be_visible()
    assert "ZZCANARY-NAME" not in visitor.content()

    frozen_reg44.now = datetime(2026, 4, 7, 9, 0, tzinfo=UTC)
    generate_schedule(coordinator, base, "2026-04")
    open_visit(visitor, base, "April 2026")
    carried = visitor.get_by_test_id("carried-recommendations")
    expect(carried).to_contain_text(RECOMMENDATION)
    expect(carried).to_contain_text(RESPONSE)
    assert axe_violations(visitor) == []
