"""The LADO journey in a browser: the LADO records referrals (one by CSV import, after a bad
line is reported), the coordinator runs the annual audit on a stratified sample, the auditor
grades an audit and raises an action to a school, and the quarterly and annual reports count
what was seeded and registered."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import expect

from core.extensions import db
from plugins.lado import referrals
from tests.e2e.conftest import axe_violations
from tests.support import factories as f

pytestmark = pytest.mark.browser
HEADER = "referral_date,sector,category,adult_role,employer,referrer_agency,decision,decision_date"


@pytest.fixture
def frozen_lado(monkeypatch):
    """The LADO modules' clock stops on Monday 23 November 2026 (the server runs in this
    process), so the dates below stay in the past and the audit is completed in 2026-27."""
    from tests.plugins.lado.conftest import FrozenClock

    clock = FrozenClock(datetime(2026, 11, 23, 10, 0, tzinfo=UTC))
    for module in ("timeliness", "audits", "referrals", "reveal"):
        monkeypatch.setattr(f"plugins.lado.{module}.utcnow", clock)
    return clock


@pytest.fixture
def lado_world(live_app, frozen_lado):
    """Northbrook with its council and a primary school; the LADO, the coordinator and a QA
    officer; four referrals already on the register (June to September 2026)."""
    with live_app.app_context():
        p = f.make_partnership("Northbrook", "NB")
        council = f.make_agency(p, name="Northbrook Council")
        f.make_agency(p, name="Northbrook Primary School", type="education")
        lado = f.make_user("lado", council, email="lado@example.test", name="Lee Lado")
        f.make_user("partnership_coordinator", p, email="coord@example.test",
                    name="Casey Coordinator")
        f.make_user("qa_officer", council, email="qa@example.test", name="Quinn Auditor")
        for day, sector in (("15/06/2026", "education"), ("03/08/2026", "health"),
                            ("10/08/2026", "health"), ("01/09/2026", "sport")):
            referrals.register(p, {"referral_date": day, "sector": sector, "category": "harm",
                                   "adult_role": "Seeded role", "employer": "Seeded employer"},
                               lado, date(2026, 11, 1))
        db.session.commit()
    return live_app.config["LIVE_URL"]


def sign_in(browser, base: str, email: str):
    """A fresh browser context signed in as `email`, enrolling MFA on the way."""
    page = browser.new_context(bypass_csp=True).new_page()
    page.goto(f"{base}/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    secret = re.sub(r"\s", "", page.get_by_test_id("mfa-secret").inner_text())
    page.get_by_label("Code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name=re.compile("Continue|Confirm")).click()
    page.get_by_role("button", name="Continue").click()
    return page


def record_by_form(page, base: str) -> str:
    page.goto(f"{base}/lado/")
    page.get_by_role("button", name="Record a referral").click()
    page.get_by_label("Date the referral was received").fill("01/07/2026")
    page.get_by_label("Referring agency").select_option(label="Northbrook Primary School")
    page.get_by_label("Sector the adult works in").select_option("education")
    page.locator("#category").check()  # harmed a child
    page.get_by_label("Adult's role").fill("Teaching assistant")
    page.get_by_label("Employer or organisation").fill("Northbrook Primary School")
    page.get_by_label("Threshold decision").select_option("met")
    page.get_by_label("Date of the decision").fill("02/07/2026")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Record referral").click()
    expect(page.get_by_text(re.compile(r"Referral NB-L-\w{6} recorded"))).to_be_visible()
    return page.locator("h1").inner_text().split()[-1]


def import_with_a_bad_line(page, base: str, tmp_path: Path) -> None:
    good = ["10/07/2026,sport,transferable,Coach,Example Club,,,",
            "12/08/2026,police,offence,Officer,Northbrook Police,,met,13/08/2026"]
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join([HEADER, *good, "31/02/2026,circus,harm,Driver,Taxis,,,"]) + "\n")
    page.goto(f"{base}/lado/referrals/import")
    page.get_by_label("Upload a CSV file").set_input_files(str(bad))
    page.get_by_role("button", name="Import referrals").click()
    problems = page.locator("#problems").inner_text()
    assert "Line 4\treferral_date" in problems and "Line 4\tsector" in problems
    assert "Nothing was imported" in page.locator(".govuk-error-summary").inner_text()
    fixed = tmp_path / "fixed.csv"
    fixed.write_text("\n".join([HEADER, *good]) + "\n")
    page.get_by_label("Upload a CSV file").set_input_files(str(fixed))
    page.get_by_role("button", name="Import referrals").click()
    expect(page.get_by_text("2 referrals imported")).to_be_visible()


def run_the_annual_audit(page, base: str) -> None:
    page.goto(f"{base}/lado/audits/")
    page.get_by_role("button", name="Start the annual audit").click()
    page.get_by_label("Title").fill("LADO annual audit 2026-27")
    page.get_by_label("Referrals received from").fill("01/04/2026")
    page.get_by_label("Referrals received up to").fill("31/03/2027")
    page.get_by_label("A number of referrals").check()
    page.get_by_label("Percentage or number of referrals").fill("4")
    page.get_by_label("Quinn Auditor").check()
    page.get_by_role("button", name="Draw the sample and allocate").click()
    expect(page.get_by_text("4 referrals sampled and allocated")).to_be_visible()
    rows = page.locator("#sample-by-sector tbody tr").all_inner_texts()
    # 7 referrals in 4 sectors (2 education, 2 health, 2 sport, 1 police): one from each
    assert sorted(rows) == sorted(["Education (schools and colleges)\t1", "Health\t1",
                                   "Police\t1", "Sport and leisure\t1"])


def grade_and_raise_an_action(page, base: str, live_app) -> None:
    page.goto(f"{base}/lado/audits/")
    page.locator("table a").first.click()
    with live_app.app_context():
        from core.toolkit import get_tool
        from plugins.lado.audits import TOOL_KEY

        tool = get_tool(TOOL_KEY)
        questions = [q for _, q in tool.questions()]
        domains = [d.code for d in tool.domains]
    for q in questions:
        if q.type == "grade":
            page.locator(f"#q_{q.code}-2").check()  # good
        elif q.type == "yes_no_partly":
            page.locator(f"#q_{q.code}").check()  # yes
        elif q.type == "score_0_10":
            page.locator(f"#q_{q.code}").fill("7")
    for code in domains:
        page.locator(f"#d_{code}-4" if code == "HR" else f"#d_{code}-2").check()
    page.get_by_label("Learning for the partnership").fill(
        "The school did not start its HR process while the allegation was managed.")
    page.get_by_role("button", name="Complete the audit").click()
    expect(page.get_by_text(re.compile(r"Audit NB-LA-\w{6} completed"))).to_be_visible()
    assert "Overall: Inadequate" in page.locator("main").inner_text()
    page.get_by_label("Agency that owns the action").select_option(
        label="Northbrook Primary School")
    page.get_by_label("What is to be done").fill("Follow the HR procedure for allegations")
    page.get_by_label("Why (the finding it answers)").fill("HR procedures were not followed")
    page.get_by_role("button", name="Raise the action").click()
    expect(page.get_by_text(re.compile(r"Action ACT-\d+ raised to Northbrook Primary School"))
           ).to_be_visible()
    assert "Follow the HR procedure" in page.locator("#actions").inner_text()


def report_figure(page, label: str) -> str:
    return page.locator(f'[data-figure="{label}"]').inner_text().strip()


def read_the_reports(page, base: str) -> None:
    page.goto(f"{base}/lado/reports/")
    page.get_by_label("Quarterly themes and trends").check()
    page.get_by_label("A date in the quarter or year").fill("15/08/2026")
    page.get_by_role("button", name="Show the report").click()
    expect(page.get_by_role("heading", name="Quarterly themes and trends")).to_be_visible()
    assert report_figure(page, "Referrals received") == "6"  # July to September 2026
    sectors = page.locator("#by-sector tbody").inner_text()
    assert "Education (schools and colleges)\t1" in sectors and "Health\t2" in sectors
    assert "Sport and leisure\t2" in sectors and "Police\t1" in sectors
    assert axe_violations(page) == []
    page.goto(f"{base}/lado/reports/")
    page.get_by_label("Annual LADO report").check()
    page.get_by_label("A date in the quarter or year").fill("15/08/2026")
    page.get_by_role("button", name="Show the report").click()
    assert report_figure(page, "Referrals received") == "7"  # April 2026 to March 2027
    assert report_figure(page, "Audits completed") == "1"
    assert "Inadequate\t1" in page.locator("#overall-grades").inner_text()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download as PDF").click()
    assert download.value.suggested_filename == "lado-annual-report-2026-04-01.pdf"


def test_the_lado_journey_from_referral_to_annual_report(lado_world, live_app, browser,
                                                         tmp_path):
    base = lado_world
    lado = sign_in(browser, base, "lado@example.test")
    reference = record_by_form(lado, base)
    import_with_a_bad_line(lado, base, tmp_path)
    assert reference in lado.locator("table").inner_text()

    coordinator = sign_in(browser, base, "coord@example.test")
    run_the_annual_audit(coordinator, base)

    auditor = sign_in(browser, base, "qa@example.test")
    grade_and_raise_an_action(auditor, base, live_app)

    read_the_reports(coordinator, base)
