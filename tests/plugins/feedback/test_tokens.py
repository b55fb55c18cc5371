"""Link tokens: enough entropy, stored only as a hash, single use, no enumeration."""

from __future__ import annotations

import hashlib
import math
import re

from sqlalchemy import select, text

from core.extensions import db
from plugins.feedback import tokens
from plugins.feedback.models import FeedbackLink, FeedbackResponse
from tests.plugins.feedback.conftest import public_url


def test_a_token_carries_at_least_128_bits_and_tokens_never_repeat():
    made = {tokens.new_token() for _ in range(2000)}
    assert len(made) == 2000
    sample = next(iter(made))
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", sample)
    assert len(sample) * math.log2(64) >= 256  # 43 url-safe characters from 32 random bytes
    alphabet = set("".join(made))
    assert len(alphabet) == 64  # every url-safe character turns up: the bytes are random


def test_only_the_hash_of_a_token_is_stored(app, make_link):
    link, token = make_link()
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    dump = " ".join(str(v) for row in db.session.execute(text("SELECT * FROM feedback_link"))
                    for v in row)
    assert token not in dump


def test_a_link_works_once_and_is_then_refused_kindly(app, client, make_link):
    _, token = make_link()
    assert client.get(public_url(token)).status_code == 200
    sent = client.post(public_url(token), data={"q_W1": "Happy"})
    assert sent.status_code == 200 and "Thank you" in sent.text
    again = client.post(public_url(token), data={"q_W1": "Sad"})
    assert again.status_code == 410
    assert "This link has already been used" in again.text
    assert client.get(public_url(token)).status_code == 410
    answers = db.session.scalars(select(FeedbackResponse)).all()
    assert [r.answers for r in answers] == [{"W1": "Happy"}]


def test_using_a_link_is_one_conditional_update_so_a_race_has_one_winner(app, make_link, frozen):
    link, _ = make_link()
    now = frozen.now
    assert tokens.claim(link, now) is True
    stale = db.session.get(FeedbackLink, link.id)
    db.session.expire(stale)
    assert tokens.claim(stale, now) is False


def test_unknown_and_malformed_tokens_get_the_same_kind_page_and_touch_nothing(app, client,
                                                                               make_link):
    make_link()
    guesses = [tokens.new_token(), "a" * 43, "short", "x" * 500, "%00", "..%2F..%2Fetc"]
    for guess in guesses:
        response = client.get(public_url(guess))
        assert response.status_code == 404, guess
        assert "This link does not work" in response.text
    assert db.session.scalar(select(FeedbackResponse.id)) is None


def test_a_malformed_token_never_reaches_the_database(app, monkeypatch):
    calls = []
    monkeypatch.setattr(db.session, "scalar", lambda *a, **k: calls.append(a))
    assert tokens.find_link("not a token") is None
    assert tokens.find_link("") is None
    assert calls == []
