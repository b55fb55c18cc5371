"""Notification emails: plain text with an HTML alternative, sealed while waiting, links built
from PUBLIC_URL only."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from sqlalchemy import text

from core.extensions import db
from core.notifications import notify


@pytest.fixture
def smtp(app, monkeypatch) -> list[EmailMessage]:
    """Send through the real SMTP path, stopping at the socket."""
    sent: list[EmailMessage] = []
    app.config.update(MAIL_CAPTURE=False, MAIL_SERVER="smtp.example.test")
    monkeypatch.setattr("core.mail._smtp_send", sent.append)
    return sent


def test_an_email_has_a_plain_text_part_and_an_html_alternative(world, smtp):
    notify([world.tm_a], "example.due", "Audit NB-00012 is due", "Audit NB-00012 is due.",
           link="/example/12")
    db.session.commit()
    [msg] = smtp
    assert msg.get_content_type() == "multipart/alternative"
    assert msg["To"] == "tm.a@example.test" and msg["Subject"] == "Audit NB-00012 is due"
    plain = msg.get_body(preferencelist=("plain",)).get_content()
    html = msg.get_body(preferencelist=("html",)).get_content()
    for part in (plain, html):
        assert "Audit NB-00012 is due." in part
        assert "http://127.0.0.1:5000/example/12" in part
        assert "Safeguarding Partnership Quality Assurance" in part
    assert '<a href="http://127.0.0.1:5000/example/12"' in html
    assert "<" not in plain


def test_the_html_alternative_is_sealed_while_the_message_waits(world):
    notify([world.tm_a], "example.due", "Audit NB-00012 is due", "Due on Friday.")
    db.session.flush()
    stored = db.session.execute(text("SELECT sealed FROM mail_message")).scalar_one()
    assert "NB-00012" not in stored and "<html" not in stored


def test_the_link_comes_from_public_url_never_from_the_request_host(world, app, outbox):
    app.config["PUBLIC_URL"] = "https://qa.partnership.example/"
    with app.test_request_context("/", base_url="http://attacker.example"):
        notify([world.tm_a], "example.due", "Due", "Due.", link="/example/12")
        db.session.commit()
    [mail] = outbox()
    assert "https://qa.partnership.example/example/12" in mail["body"]
    assert "https://qa.partnership.example/example/12" in mail["html"]
    assert "attacker.example" not in mail["body"] + mail["html"]


def test_text_is_escaped_in_the_html_part(world, outbox):
    notify([world.tm_a], "example.due", "Review <b>NB-00012</b>", "See <script>x</script>.")
    db.session.commit()
    [mail] = outbox()
    assert "<script>" not in mail["html"] and "&lt;script&gt;" in mail["html"]
    assert "<b>NB-00012</b>" not in mail["html"]


def test_a_notification_without_a_link_points_to_the_inbox(world, outbox):
    notify([world.tm_a], "example.note", "Something to know", "Just so you know.")
    db.session.commit()
    [mail] = outbox()
    assert "Open it here" not in mail["body"]
    assert "Your inbox: http://127.0.0.1:5000/inbox" in mail["body"]
