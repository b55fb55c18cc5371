"""Regulation 44 in Chromium: a head of service registers a home, places a child by code,
assigns an independent person and generates the month's schedule; the independent person
records the visit and writes the report (the child's views by code); the head of service exports
the PDF, records who it went to and the home's response; next month's visit shows the open
recommendation. Every page passes axe-core and none shows the child's identity."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from core.cases.service import register_case
from core.extensions import db
from plugins.reg44 import clock
from tests.e2e.conftest import axe_violations
from tests.support import factories as f
from tests.support.clock import FrozenClock

pytestmark = pytest.mark.browser
CANARIES = ("ZZCANARY-NAME", "ZZREF-0001", "2011-01-01")
RECOMMENDATION = "Review the night-time checks with the staff team within a month."


@pytest.fixture
def frozen(monkeypatch):
    now = FrozenClock(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))  # Monday 2 March 2026
    for target in ("plugins.reg44.clock.utcnow", "core.workflow.engine.utcnow",
                   "core.workflow.sweep.utcnow"):
        monkeypatch.setattr(target, now)
    return now


@pytest.fixture
def place(live_app, frozen):
    """Northbrook Council with a residential team, its head of service, an independent person
    and a coded child (the identity is the canary)."""
    with live_app.app_context():
        partnership = f.make_partnership("Northbrook", "NB")
        agency = f.make_agency(partnership, name="Northbrook Council")
        f.make_team(agency, "Oakwood house")
        f.make_user("head_of_service", agency, email="hos@example.test", name="Hana Head")
        f.make_user("reg44_visitor", agency, email="vera@example.test", name="Vera Visitor")
        case = register_case(partnership, agency, {"name": "ZZCANARY-NAME",
                                                   "date_of_birth": "2011-01-01",
                                                   "record_id": "ZZREF-0001"},
                             {"cohort": "child_in_care"}, None)
        db.session.commit()
        return case.code


@pytest.fixture
def visitor_page(browser):
    context = browser.new_context(bypass_csp=True)  # axe is injected as a script
    page = context.new_page()
    yield page
    context.close()


def sign_in(page, base: str, email: str, name: str) -> None:
    page.goto(f"{base}/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name=f"Welcome, {name}")).to_be_visible()


def checked(page) -> None:
    """Axe finds nothing serious, and the child is shown by code only."""
    assert axe_violations(page) == []
    content = page.content()
    assert not [c for c in CANARIES if c in content]


def fill_date(page, name: str, day) -> None:
    page.locator(f"#{name}-day").fill(str(day.day))
    page.locator(f"#{name}-month").fill(str(day.month))
    page.locator(f"#{name}-year").fill(str(day.year))


def register_home(page, base: str, code: str) -> None:
    page.goto(f"{base}/reg44/homes")
    page.get_by_role("button", name="Register a home").click()
    checked(page)
    page.get_by_label("Agency responsible for the home").select_option(label="Northbrook Council")
    page.get_by_label("Name of the home").fill("Oakwood")
    page.get_by_label("The authority's own home").check()
    page.get_by_label("Team that runs the home").select_option(
        label="Northbrook Council: Oakwood house")
    page.get_by_label("Provider", exact=True).fill("Northbrook Council")
    page.get_by_label("Registered manager's role or title").fill("Registered manager")
    page.get_by_label("Ofsted URN (optional)").fill("SC123456")
    page.get_by_label("Number of beds").fill("4")
    page.get_by_role("button", name="Register the home").click()
    expect(page.get_by_text("Oakwood is registered.")).to_be_visible()
    page.get_by_label("Case code").fill(code)
    fill_date(page, "placed_on", clock.today())
    page.get_by_role("button", name="Record the placement").click()
    expect(page.get_by_text(f"{code} is recorded as placed at Oakwood.")).to_be_visible()
    checked(page)


def assign_visitor(page) -> None:
    page.get_by_role("button", name="Assign the independent person").click()
    page.get_by_label("Vera Visitor").check()
    fill_date(page, "starts_on", clock.today())
    checked(page)
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_text("Vera Visitor is the independent person for Oakwood.")) \
        .to_be_visible()


def generate(page, base: str, month) -> None:
    """Generate a month's schedule from the schedule page; the job's result is the schedule."""
    page.goto(f"{base}/reg44/schedule?month={clock.month_key(month)}")
    page.get_by_role("button", name="Generate the schedule").click()
    page.get_by_role("button", name="See the result").click()
    expect(page.get_by_role("heading", name=f"Schedule for {clock.month_label(month)}")) \
        .to_be_visible()
    expect(page.get_by_role("link", name="Oakwood")).to_be_visible()
    checked(page)


def save_section(page, message: str) -> None:
    page.get_by_role("button", name="Save and go back").click()
    expect(page.get_by_text(message)).to_be_visible()


def write_report(page, code: str) -> None:
    """The independent person writes each part of the report and finishes it."""
    page.get_by_role("link", name="Who you spoke to").click()
    for role in ("Registered manager", "Residential care worker", "Social workers"):
        page.get_by_label(role, exact=True).check()
    checked(page)
    save_section(page, "Who you spoke to: saved.")

    page.get_by_role("link", name="Children spoken to").click()
    page.get_by_label("Case code").select_option(label=code)
    page.get_by_role("group", name="How did you speak to them?").get_by_label("On their own") \
        .check()
    page.get_by_role("group", name="Did the child agree to share their views?") \
        .get_by_label("Yes").check()
    page.get_by_label("What the child told you").fill("I feel safe here and staff listen to me.")
    page.get_by_label("Feeling safe").check()
    page.get_by_role("button", name="Add the child").click()
    expect(page.get_by_role("cell", name="I feel safe here")).to_be_visible()
    checked(page)
    page.get_by_role("link", name="Back to the report").click()

    page.get_by_role("link", name="Quality standards and records examined").click()
    # .all() does not wait: be on the section's page before taking its fields
    expect(page.get_by_text("For each quality standard of the Children's Homes")).to_be_visible()
    for area in page.locator("textarea").all():
        area.fill("Calm and homely; staff knew each child's plan well.")
    names = page.eval_on_selector_all(
        "input[type=radio]", "inputs => [...new Set(inputs.map(i => i.name))]")
    for name in names:
        page.locator(f"input[type=radio][name='{name}']").first.check()
    checked(page)
    save_section(page, "Quality standards and records: saved.")

    page.get_by_role("link", name="Your opinion").click()
    page.get_by_role("group", name="In your opinion, are children effectively safeguarded?") \
        .get_by_label("Yes").check()
    page.locator("#safeguarded_reason").fill("Risks are known and managed.")
    page.get_by_role("group", name="does the conduct of the home promote").get_by_label("Yes") \
        .check()
    page.locator("#wellbeing_reason").fill("The children are settled and busy.")
    checked(page)
    save_section(page, "Your opinion: saved.")

    page.get_by_role("link", name="Recommendations", exact=True).click()
    page.get_by_label("Recommendation", exact=True).fill(RECOMMENDATION)
    page.get_by_label("Quality standard it is about").select_option(label="Protection of children")
    page.get_by_role("button", name="Add the recommendation").click()
    expect(page.get_by_text(RECOMMENDATION)).to_be_visible()
    checked(page)
    page.get_by_role("link", name="Back to the report").click()

    page.get_by_role("button", name="Finish the report").click()
    expect(page.get_by_text("The report is finished.")).to_be_visible()


def record_the_visit(page, base: str, code: str) -> None:
    page.goto(f"{base}/reg44/")
    page.get_by_role("row", name="Oakwood").get_by_role("link").click()
    checked(page)
    page.get_by_role("button", name="Record the visit").click()
    fill_date(page, "visited_on", clock.today())
    page.get_by_label("Unannounced").check()
    checked(page)
    page.get_by_role("button", name="Record the visit").click()
    expect(page.get_by_text("The visit is recorded.")).to_be_visible()
    write_report(page, code)
    checked(page)


def export_pdf(page, code: str) -> None:
    with page.expect_download() as info:
        page.get_by_role("button", name="Export the report as PDF").click()
    download = info.value
    assert download.suggested_filename.startswith("reg44-report-NB-R44-")
    content = download.path().read_bytes()
    assert content.startswith(b"%PDF")
    text = " ".join(" ".join(p.extract_text().split())
                    for p in PdfReader(io.BytesIO(content)).pages)
    assert "OFFICIAL-SENSITIVE" in text and code in text and RECOMMENDATION in text
    assert not [c for c in CANARIES if c in text]


def send_and_respond(page) -> None:
    for recipient, who in (("The provider (registered person)", "Responsible individual"),
                           ("Ofsted", "Ofsted"),
                           ("The placing authority", "Children in care service")):
        page.get_by_label("Sent to").select_option(label=recipient)
        page.get_by_label("Organisation or role").fill(who)
        page.get_by_label("How").select_option(label="Secure email")
        fill_date(page, "sent_on", clock.today())
        page.get_by_role("button", name="Record it").click()
        expect(page.get_by_text(f"Recorded: the report went to {who}")).to_be_visible()
    expect(page.get_by_text("Report sent", exact=True).first).to_be_visible()
    page.get_by_role("link", name="Record the home's response to recommendation 1").click()
    checked(page)
    page.get_by_label("The home's response").fill("Night checks reviewed at the team meeting.")
    fill_date(page, "received_on", clock.today())
    fill_date(page, "target_on", date(2026, 3, 20))
    page.get_by_role("button", name="Record the response").click()
    expect(page.get_by_text(re.compile(r"response to recommendation \S+/1 is recorded"))) \
        .to_be_visible()
    expect(page.get_by_text("Night checks reviewed at the team meeting.")).to_be_visible()


def test_a_home_is_visited_reported_on_and_its_recommendation_carried_to_next_month(
        live_app, page, visitor_page, place, frozen):
    base, code = live_app.config["LIVE_URL"], place
    this_month = clock.month_of(clock.today())
    sign_in(page, base, "hos@example.test", "Hana Head")
    register_home(page, base, code)
    assign_visitor(page)
    generate(page, base, this_month)

    sign_in(visitor_page, base, "vera@example.test", "Vera Visitor")
    record_the_visit(visitor_page, base, code)

    page.goto(f"{base}/reg44/schedule?month={clock.month_key(this_month)}")
    page.get_by_role("link", name="Oakwood").click()
    expect(page.get_by_text("Report finished", exact=True).first).to_be_visible()
    export_pdf(page, code)
    send_and_respond(page)
    checked(page)

    frozen.now = datetime(2026, 4, 7, 9, 0, tzinfo=UTC)  # the next month
    following = clock.add_months(this_month, 1)
    generate(page, base, following)
    page.get_by_role("link", name="Oakwood").click()
    carried = page.get_by_test_id("carried-recommendations")
    expect(carried).to_contain_text(RECOMMENDATION)
    expect(carried).to_contain_text("Night checks reviewed at the team meeting.")
    expect(carried).to_contain_text("to be done by 20 March 2026")
    checked(page)

    visitor_page.goto(f"{base}/reg44/schedule?month={clock.month_key(following)}")
    visitor_page.get_by_role("link", name="Oakwood").click()
    expect(visitor_page.get_by_test_id("carried-recommendations")).to_contain_text(RECOMMENDATION)
