"""The pages a link opens: every version renders, shows no identity, asks no name, links
nowhere else in the service, and says kindly when a link cannot be used."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.extensions import db
from plugins.feedback.models import FeedbackResponse
from plugins.feedback.vocab import AUDIENCES, occasions_for
from tests.plugins.feedback.conftest import public_url

CASES = [(a, o) for a in AUDIENCES for o in occasions_for(a)]


def hrefs(html: str) -> list[str]:
    return re.findall(r'<a [^>]*href="([^"]*)"', html)


def form_targets(html: str) -> list[str]:
    return re.findall(r'<form [^>]*action="([^"]*)"', html)


def assert_goes_nowhere_else(html: str) -> None:
    """Only in-page anchors and telephone numbers: no page of the service, no other site."""
    assert [h for h in hrefs(html) if not (h.startswith("#") or h.startswith("tel:"))] == []
    assert form_targets(html) == []  # forms post back to the link's own address
    assert "Sign out" not in html and "/sign-in" not in html


@pytest.mark.parametrize(("audience", "occasion"), CASES)
def test_every_version_renders_without_identity_or_a_way_out(app, client, make_link, cases,
                                                            audience, occasion):
    _, token = make_link(audience, occasion)
    page = client.get(public_url(token))
    assert page.status_code == 200
    assert_goes_nowhere_else(page.text)
    for secret in ("ZZCANARY", "ZZREF", cases.a.code, "Northbrook", "Assessment"):
        assert secret not in page.text
    labels = " ".join(re.findall(r"<(?:label|legend)[^>]*>(.*?)</(?:label|legend)>", page.text,
                                 re.S))
    assert "name" not in labels.lower()  # no question asks for a name
    assert "talk to someone now" in page.text or "speak to someone now" in page.text


def test_children_choose_faces_from_large_radios_and_adults_plain_words(app, client, make_link):
    _, child = make_link("child_under_8", "any_time")
    page = client.get(public_url(child)).text
    assert 'class="govuk-radios__input"' in page
    assert re.search(r'govuk-!-font-size-36[^>]*>\s*<span aria-hidden="true">😀</span> Happy', page)
    _, adult = make_link("parent_carer", "cp_conference")
    page = client.get(public_url(adult)).text
    assert "😀" not in page and "Strongly agree" in page
    assert "Childline" not in page and "0808 800 5000" in page


def test_the_pages_need_no_javascript_and_load_nothing_from_elsewhere(app, client, make_link):
    _, token = make_link("child_13_plus", "before_review")
    page = client.get(public_url(token)).text
    sources = re.findall(r'(?:src|href)="([^"]*)"', page)
    assert all(not s.startswith(("http:", "https:", "//")) for s in sources), sources
    assert "<noscript" not in page  # nothing depends on script: the forms are plain POSTs
    assert page.count('method="post"') == 2


def test_an_expired_link_says_so_kindly(app, client, make_link, frozen):
    _, token = make_link(days=7)
    frozen.now = frozen.now + timedelta(days=7, seconds=1)
    page = client.get(public_url(token))
    assert page.status_code == 410
    assert "This link has run out" in page.text
    assert "We would still like to hear from you" in page.text
    assert "0800 1111" in page.text
    assert_goes_nowhere_else(page.text)
    assert client.post(public_url(token), data={"q_W1": "Happy"}).status_code == 410
    assert db.session.scalar(select(FeedbackResponse.id)) is None


def test_a_withdrawn_link_no_longer_works(app, client, make_link, login, world):
    link, token = make_link()
    login(world.tm_a).post(f"/feedback/links/{link.id}/withdraw")
    client.get("/sign-out")
    page = client.get(public_url(token))
    assert page.status_code == 410 and "does not work any more" in page.text


def test_a_form_with_nothing_answered_points_at_the_first_question(app, client, make_link):
    _, token = make_link("child_8_to_12")
    page = client.post(public_url(token), data={})
    assert page.status_code == 400
    assert 'href="#q_W1"' in page.text and 'id="q_W1"' in page.text
    assert "Answer at least one question" in page.text
    assert_goes_nowhere_else(page.text)


def test_a_required_adult_question_left_out_is_named_and_answers_kept(app, client, make_link):
    _, token = make_link("parent_carer", "meeting")
    page = client.post(public_url(token), data={"q_M1": "Agree", "q_T1": "Kept text"})
    assert page.status_code == 400
    assert "Choose an answer for “I was treated with respect.”" in page.text
    assert 'value="Agree" checked' in page.text and "Kept text" in page.text


def test_an_answer_not_on_the_scale_is_refused(app, client, make_link):
    _, token = make_link("child_under_8", "any_time")
    page = client.post(public_url(token), data={"q_W1": "<b>Ecstatic</b>"})
    assert page.status_code == 400
    assert "<b>Ecstatic</b>" not in page.text


def test_a_written_answer_over_the_limit_is_refused_and_kept(app, client, make_link):
    _, token = make_link("child_13_plus", "any_time")
    long = "word " * 500
    page = client.post(public_url(token), data={"q_T1": long})
    assert page.status_code == 400
    assert "too long: use 2000 characters or fewer" in page.text
    assert long.strip() in page.text


def test_a_form_larger_than_the_limit_gets_a_kind_413(app, client, make_link):
    _, token = make_link()
    page = client.post(public_url(token), data={"q_T1": "x" * 70_000})
    assert page.status_code == 413
    assert "too long to send" in page.text
    assert_goes_nowhere_else(page.text)


def test_the_page_is_rate_limited_per_address(make_app, world_factory):
    app, token = world_factory(RATELIMIT_ENABLED=True, FEEDBACK={"PUBLIC_RATE_LIMIT": "3/minute"})
    client = app.test_client()
    codes = [client.get(public_url(token)).status_code for _ in range(5)]
    assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]
    page = client.get(public_url(token))
    assert "Too many tries" in page.text
    assert_goes_nowhere_else(page.text)


def test_a_lapsed_security_token_keeps_the_answers_for_one_more_press(make_app, world_factory):
    app, token = world_factory(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    assert client.get(public_url(token)).status_code == 200
    page = client.post(public_url(token), data={"q_T1": "Please keep this", "csrf_token": "x"})
    assert page.status_code == 400
    assert "press Send again" in page.text and "Please keep this" in page.text
    assert_goes_nowhere_else(page.text)
    fresh = re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]
    sent = client.post(public_url(token), data={"q_T1": "Please keep this", "csrf_token": fresh})
    assert sent.status_code == 200 and "Thank you" in sent.text


def test_a_staff_member_signed_in_sees_no_navigation_on_the_public_page(app, make_link, login,
                                                                        world):
    _, token = make_link()
    page = login(world.tm_a).get(public_url(token))
    assert page.status_code == 200
    assert_goes_nowhere_else(page.text)
    assert world.tm_a.name not in page.text
