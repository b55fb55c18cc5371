"""A person signs in with a password and a one-time code and reaches the dashboard."""

from __future__ import annotations

import re

import pyotp
import pytest
from playwright.sync_api import expect

from core.extensions import db
from tests.e2e.conftest import axe_violations
from tests.support import factories as f

pytestmark = pytest.mark.browser


@pytest.fixture
def coordinator(live_app):
    with live_app.app_context():
        partnership = f.make_partnership("Northbrook", "NB")
        f.make_agency(partnership, name="Northbrook Council")
        user = f.make_user("partnership_coordinator", partnership, email="coord@example.test",
                           name="Casey Coordinator")
        db.session.commit()
        return user.email


def test_sign_in_with_mfa_enrolment_reaches_the_dashboard(live_app, page, coordinator):
    base = live_app.config["LIVE_URL"]
    page.goto(f"{base}/")
    assert "/sign-in" in page.url
    page.get_by_label("Email address").fill(coordinator)
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    secret = re.sub(r"\s", "", page.get_by_test_id("mfa-secret").inner_text())
    page.get_by_label("Code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name=re.compile("Continue|Confirm")).click()
    expect(page.get_by_test_id("recovery-codes")).to_be_visible()
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name="Welcome, Casey Coordinator")).to_be_visible()
    assert page.url.rstrip("/") == base


def test_the_sign_in_page_has_no_serious_accessibility_violations(live_app, page):
    page.goto(f"{live_app.config['LIVE_URL']}/sign-in")
    assert axe_violations(page) == []


def test_the_dashboard_has_no_serious_accessibility_violations(live_app, page):
    base = live_app.config["LIVE_URL"]
    with live_app.app_context():
        agency = f.make_agency(f.make_partnership("Southmere", "SM"), name="Southmere Council")
        f.make_user("team_manager", agency, email="tm@example.test", name="Tam Manager")
        db.session.commit()
    page.goto(f"{base}/sign-in")
    page.get_by_label("Email address").fill("tm@example.test")
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Welcome, Tam Manager")).to_be_visible()
    assert axe_violations(page) == []
