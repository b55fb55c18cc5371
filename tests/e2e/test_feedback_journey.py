"""A child answers on a phone from a link; a reused link is refused, an expired one explained;
a disclosure reaches a team manager, who acknowledges it. Public pages pass axe-core."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from core.cases.models import Case
from core.cases.service import register_case
from core.extensions import db
from core.identity.models import User
from core.timeutil import utcnow
from plugins.feedback import links as link_service
from plugins.feedback.models import FeedbackLink
from plugins.feedback.vocab import AUDIENCES, occasions_for
from tests.e2e.conftest import axe_violations
from tests.support import factories as f

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2}


@pytest.fixture
def place(live_app):
    """Team A of Northbrook Council with its manager and a coded case; links point here."""
    live_app.config["PUBLIC_URL"] = live_app.config["LIVE_URL"]
    with live_app.app_context():
        partnership = f.make_partnership("Northbrook", "NB")
        agency = f.make_agency(partnership, name="Northbrook Council")
        team = f.make_team(agency, "Assessment")
        f.make_user("team_manager", team, email="tm@example.test", name="Tam Manager")
        case = register_case(partnership, agency, {"name": "ZZCANARY-NAME",
                                                   "date_of_birth": "2019-05-05",
                                                   "record_id": "ZZREF-0001"},
                             {"cohort": "child_in_care", "team_id": team.id}, None)
        db.session.commit()
        return case.code


@pytest.fixture
def phone(browser):
    context = browser.new_context(bypass_csp=True, **PHONE)  # axe is injected as a script
    page = context.new_page()
    yield page
    context.close()


def sign_in(page, base: str) -> None:
    page.goto(f"{base}/sign-in")
    page.get_by_label("Email address").fill("tm@example.test")
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Welcome, Tam Manager")).to_be_visible()


def make_link(page, base: str, code: str, audience: str, occasion: str) -> str:
    page.goto(f"{base}/feedback/links/new")
    page.get_by_label("Case code").fill(code)
    page.get_by_label(audience).check()
    page.get_by_label("What is it about?").select_option(label=occasion)
    page.get_by_label("2 weeks").check()
    page.get_by_role("button", name="Create the link").click()
    expect(page.get_by_role("heading", name="Feedback link created")).to_be_visible()
    expect(page.get_by_test_id("feedback-qr")).to_be_visible()
    return page.get_by_test_id("feedback-link").inner_text().strip()


def quick_link(live_app, code: str, audience: str, occasion: str) -> str:
    """A link made straight through the service (the journey above makes them in the UI)."""
    with live_app.app_context():
        case = db.session.scalar(db.select(Case).filter_by(code=code))
        manager = db.session.scalar(db.select(User).filter_by(email="tm@example.test"))
        made = link_service.create_link(case, audience, occasion, 14, manager,
                                        secrets.token_urlsafe(24))
        db.session.commit()
        return f"{live_app.config['LIVE_URL']}/feedback/v/{made.token}"


def large_tap_targets(page, least: int = 44) -> bool:
    """Every radio and button is at least 44 by 44 CSS pixels (WCAG 2.5.5) on the phone."""
    sizes = page.eval_on_selector_all(
        "input[type=radio], button",
        "els => els.map(e => { const r = e.getBoundingClientRect(); return [r.width, r.height]; })")
    assert sizes, "no controls on the page"
    small = [s for s in sizes if min(s) < least]
    assert small == [], small
    return True


def choose(page, question: str, answer: str) -> None:
    page.get_by_role("group", name=question).get_by_role("radio", name=answer, exact=True).check()


def no_way_out(page) -> None:
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
    assert [h for h in hrefs if not h.startswith(("#", "tel:"))] == []


def test_a_child_under_8_answers_on_a_phone_and_the_link_then_refuses_reuse(
        live_app, page, phone, place):
    base = live_app.config["LIVE_URL"]
    sign_in(page, base)
    address = make_link(page, base, place, "Child under 8", "Before my review")

    phone.goto(address)
    expect(phone.get_by_role("heading", name="Tell us how things are")).to_be_visible()
    assert "ZZCANARY" not in phone.content() and place not in phone.content()
    no_way_out(phone)
    assert axe_violations(phone) == []
    choose(phone, "How do you feel when your social worker comes to see you?", "Happy")
    choose(phone, "Does your social worker listen to you?", "Sometimes")
    phone.get_by_label("Is there anything you want to tell us?").fill("I like my new school")
    phone.get_by_role("button", name="Send my answers").click()
    expect(phone.get_by_role("heading", name="Thank you", exact=True)).to_be_visible()
    no_way_out(phone)
    assert axe_violations(phone) == []

    phone.goto(address)
    expect(phone.get_by_role("heading", name="This link has already been used")).to_be_visible()
    assert axe_violations(phone) == []


def test_a_young_person_completes_the_13_plus_form_on_a_phone(live_app, page, phone, place):
    base = live_app.config["LIVE_URL"]
    sign_in(page, base)
    address = make_link(page, base, place, "Young person aged 13 or over", "About my plan")
    phone.goto(address)
    expect(phone.get_by_role("heading", name="Tell us what you think")).to_be_visible()
    assert axe_violations(phone) == []
    choose(phone, "How good is your social worker at listening to you?", "Really good")
    choose(phone, "How well do you understand your plan?", "OK")
    choose(phone, "Do you feel safe where you live?", "Yes")
    phone.get_by_label("What should change?").fill("More notice before meetings")
    phone.get_by_role("button", name="Send my answers").click()
    expect(phone.get_by_role("heading", name="Thank you", exact=True)).to_be_visible()

    page.goto(f"{base}/feedback/cases/{place}")
    page.get_by_role("link", name=re.compile("Online form")).click()
    expect(page.get_by_text("More notice before meetings")).to_be_visible()


def test_an_expired_link_says_so_kindly(live_app, page, phone, place):
    base = live_app.config["LIVE_URL"]
    sign_in(page, base)
    address = make_link(page, base, place, "Child aged 8 to 12", "Any time")
    with live_app.app_context():
        link = db.session.scalars(db.select(FeedbackLink)).one()
        link.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    phone.goto(address)
    expect(phone.get_by_role("heading", name="This link has run out")).to_be_visible()
    expect(phone.get_by_text("We would still like to hear from you")).to_be_visible()
    no_way_out(phone)
    assert axe_violations(phone) == []


def test_a_disclosure_raises_an_alert_that_the_team_manager_acknowledges(
        live_app, page, phone, place):
    base = live_app.config["LIVE_URL"]
    sign_in(page, base)
    address = make_link(page, base, place, "Child aged 8 to 12", "About my social worker")
    phone.goto(address)
    phone.get_by_label("What do you want us to know?").fill("My step dad hits me when I cry")
    phone.get_by_role("button", name="Send my answers").click()
    expect(phone.get_by_role("heading", name="Thank you for telling us")).to_be_visible()
    expect(phone.get_by_text("0800 1111")).to_be_visible()
    assert axe_violations(phone) == []

    page.goto(base)
    card = page.locator(".app-card", has=page.get_by_role(
        "heading", name="Safeguarding alerts from feedback"))
    expect(card.locator(".app-card__count")).to_have_text("1")
    page.get_by_role("link", name="Open the duty inbox").click()
    page.get_by_role("link", name=place).click()
    expect(page.get_by_text("My step dad hits me when I cry")).to_be_visible()
    page.get_by_label("What have you done, or what will you do?").fill(
        "Called the social worker; home visit this afternoon")
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_text(f"Alert for {place} acknowledged")).to_be_visible()
    expect(page.get_by_text("Called the social worker; home visit this afternoon")).to_be_visible()


@pytest.mark.parametrize("audience", list(AUDIENCES))
def test_every_version_and_its_error_page_pass_axe_on_a_phone(live_app, phone, place, audience):
    """Each question set, its error summary, and what pressing "talk" shows."""
    occasion = next(iter(occasions_for(audience)))
    phone.goto(quick_link(live_app, place, audience, occasion))
    no_way_out(phone)
    assert axe_violations(phone) == []
    assert large_tap_targets(phone)
    if audience == "parent_carer":  # required questions: the error summary
        phone.get_by_role("button", name="Send my answers").click()
        expect(phone.get_by_role("heading", name="There is a problem")).to_be_visible()
        assert phone.title().startswith("Error:")
        assert axe_violations(phone) == []
    phone.get_by_role("button", name=re.compile("(talk|speak) to someone now")).first.click()
    expect(phone.get_by_role("heading", name="Thank you for telling us")).to_be_visible()
    no_way_out(phone)
    assert axe_violations(phone) == []


def test_broken_and_withdrawn_links_are_kind_and_pass_axe(live_app, phone, place):
    base = live_app.config["LIVE_URL"]
    for address, heading in (
            (f"{base}/feedback/v/not-a-real-link", "This link does not work"),
            (f"{base}/feedback/v/{'A' * 43}/more", "This link does not work")):
        phone.goto(address)
        expect(phone.get_by_role("heading", name=heading)).to_be_visible()
        no_way_out(phone)
        assert axe_violations(phone) == []
    address = quick_link(live_app, place, "care_leaver", "any_time")
    with live_app.app_context():
        link = db.session.scalars(db.select(FeedbackLink)).one()
        link.withdrawn_at = utcnow()
        db.session.commit()
    phone.goto(address)
    expect(phone.get_by_role("heading", name="This link does not work any more")).to_be_visible()
    assert axe_violations(phone) == []


def test_a_child_answers_on_a_phone_with_javascript_switched_off(browser, live_app, place):
    """Plain forms and radios: nothing needs script, the talk button included."""
    context = browser.new_context(java_script_enabled=False, **PHONE)
    phone = context.new_page()
    try:
        phone.goto(quick_link(live_app, place, "child_8_to_12", "plan"))
        choose(phone, "How do you feel about your social worker?", "Happy")
        phone.get_by_label("What is good?").fill("My foster carer")
        phone.get_by_role("button", name="Send my answers").click()
        expect(phone.get_by_role("heading", name="Thank you", exact=True)).to_be_visible()

        phone.goto(quick_link(live_app, place, "child_under_8", "any_time"))
        phone.get_by_role("button", name="I want to talk to someone now").first.click()
        expect(phone.get_by_role("heading", name="Thank you for telling us")).to_be_visible()
        expect(phone.get_by_text("0800 1111")).to_be_visible()
    finally:
        context.close()
