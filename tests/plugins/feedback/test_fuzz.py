"""Fuzzed written answers: the page never breaks, the text is kept as plain text, and it is
only ever shown escaped (on the child's page when sent back, and on staff pages)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape
from sqlalchemy import select

from core.extensions import db
from plugins.feedback.models import FeedbackResponse
from plugins.feedback.questions import clean_text
from tests.plugins.feedback.conftest import public_url
from tests.support.factories import login_as

PAYLOADS = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "\"><svg onload=alert(1)>",
    "</textarea><script>alert(1)</script>", "{{ 7*7 }}", "{% raw %}", "javascript:alert(1)",
    "&lt;b&gt;", "\x00nul", "a\u202eb", "line one\r\nline two\rthree", "<!--", "]]>",
]
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400)
ANSWERS = st.one_of(TEXT, st.sampled_from(PAYLOADS),
                    st.tuples(st.sampled_from(PAYLOADS), TEXT).map("".join))
FUZZ = settings(max_examples=30, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


class Tags(HTMLParser):
    """Every start tag in a page, with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def no_live_markup(html: str, text: str) -> None:
    """Nothing the child wrote became markup: no inline script, no event handler, no image or
    SVG, and each line of the text is in the page escaped."""
    parser = Tags()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert tag not in ("img", "svg", "iframe", "object", "embed"), (tag, attrs)
        assert tag != "script" or attrs.get("src", "").startswith("/assets/"), attrs
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
    for line in text.split("\n"):
        if line.strip():
            assert str(escape(line)) in html


@pytest.fixture
def staff(app, world):
    client = app.test_client()
    login_as(client, world.tm_a)
    return client


@FUZZ
@given(answer=ANSWERS)
def test_fuzzed_answers_are_kept_as_plain_text_and_shown_escaped(app, client, staff,
                                                                 make_link, answer):
    _, token = make_link("child_13_plus", "any_time")
    page = client.post(public_url(token), data={"q_T1": answer, "q_W1": "Good"})
    assert page.status_code == 200, page.text[:500]
    response = db.session.scalars(select(FeedbackResponse).join(FeedbackResponse.case)
                                  .order_by(FeedbackResponse.received_at.desc())).first()
    db.session.refresh(response)
    kept = response.answers.get("T1", "")
    assert kept == clean_text(answer)
    assert "\x00" not in kept and "\u202e" not in kept and "\r" not in kept
    html = staff.get(f"/feedback/responses/{response.id}").text
    no_live_markup(html, kept)


@FUZZ
@given(answer=ANSWERS.map(lambda a: (a + " ") * 8 + "x" * 2001))
def test_fuzzed_answers_sent_back_with_an_error_stay_escaped(app, client, make_link, answer):
    _, token = make_link("child_13_plus", "any_time")
    page = client.post(public_url(token), data={"q_T1": answer})
    assert page.status_code == 400
    assert "too long" in page.text
    textarea = re.search(r'<textarea[^>]*id="q_T1"[^>]*>(.*?)</textarea>', page.text, re.S)
    assert textarea is not None  # an early </textarea> in the answer did not end the field
    # NUL characters never reach the app (core strips them from every request)
    assert textarea[1] == str(escape(answer.replace("\x00", "")))
    assert "<script>alert" not in page.text
