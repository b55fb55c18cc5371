"""A QA manager copies an audit tool, changes a domain in the form, fixes a mistake it points
out, and publishes the new version; every page passes axe."""

from __future__ import annotations

import re

import pyotp
import pytest
from playwright.sync_api import expect

from core.extensions import db
from core.tools.registry import get_tool
from tests.e2e.conftest import axe_violations
from tests.support import factories as f

pytestmark = pytest.mark.browser


@pytest.fixture
def qa_manager(live_app):
    with live_app.app_context():
        agency = f.make_agency(f.make_partnership("Northbrook", "NB"), name="Northbrook Council")
        f.make_user("qa_manager", agency, email="qam@example.test", name="Quinn Manager")
        db.session.commit()
    return live_app.config["LIVE_URL"]


def sign_in(page, base: str) -> None:
    page.goto(f"{base}/sign-in")
    page.get_by_label("Email address").fill("qam@example.test")
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    welcome = page.get_by_role("heading", name="Welcome, Quinn Manager")
    expect(page.get_by_test_id("mfa-secret").or_(welcome)).to_be_visible()
    if page.get_by_test_id("mfa-secret").count():
        secret = re.sub(r"\s", "", page.get_by_test_id("mfa-secret").inner_text())
        page.get_by_label("Code").fill(pyotp.TOTP(secret).now())
        page.get_by_role("button", name=re.compile("Continue|Confirm")).click()
        page.get_by_role("button", name="Continue").click()
    expect(welcome).to_be_visible()


def test_a_qa_manager_changes_a_domain_and_publishes_a_new_version(live_app, page, qa_manager):
    base = qa_manager
    sign_in(page, base)
    page.goto(f"{base}/tools/core.key_areas/1")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Copy to a new draft").click()
    expect(page.get_by_text("Version 2 is a draft copy of version 1")).to_be_visible()

    page.get_by_role("link", name="Change 1. Help, protection and stability").click()
    expect(page.get_by_role("heading", name="Change 1. Help, protection and stability")
           ).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("Title", exact=True).fill("")
    page.get_by_label("What good looks like").fill("Help arrived without delay.")
    page.get_by_role("button", name="Save the domain").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_label("Title", exact=True).fill("Help, protection and permanence")
    page.get_by_role("button", name="Save the domain").click()
    expect(page.get_by_text("saved in draft version 2")).to_be_visible()
    page.get_by_role("button", name="Publish version 2").click()
    expect(page.get_by_text("Version 2 is published")).to_be_visible()

    with live_app.app_context():
        domain = get_tool("core.key_areas").domain("1")
        assert domain.title == "Help, protection and permanence"
        assert domain.descriptors.good == ("Help arrived without delay.",)
        assert get_tool("core.key_areas", 1).domain("1").title == "Help, protection and stability"
