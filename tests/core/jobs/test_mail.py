"""Email goes through the `core.send_mail` job, after commit, once, and sealed while it waits."""

from __future__ import annotations

import logging

from sqlalchemy import func, select, text

from core.extensions import db
from core.jobs.models import JobRecord, MailMessage
from core.jobs.runner import execute
from core.mail import send_mail

BODY = "Open https://qa.example/reset/TOKEN-1234 within an hour."


def outbox(app) -> list[dict]:
    return app.extensions.get("mail_outbox", [])


def test_mail_is_sent_after_the_transaction_commits(app):
    message = send_mail("a@example.test", "Reset your password", BODY)
    assert outbox(app) == []
    db.session.commit()
    assert outbox(app) == [{"to": "a@example.test", "subject": "Reset your password",
                            "body": BODY}]
    assert db.session.get(MailMessage, message.id).status == "captured"


def test_a_rolled_back_transaction_sends_no_mail(app):
    send_mail("a@example.test", "Reset", BODY)
    db.session.rollback()
    db.session.commit()
    assert outbox(app) == []
    assert db.session.scalar(select(func.count(MailMessage.id))) == 0


def test_the_waiting_message_is_sealed_and_wiped_once_sent(app):
    message = send_mail("a@example.test", "Reset", BODY)
    db.session.flush()
    stored = db.session.execute(text("SELECT sealed FROM mail_message")).scalar_one()
    assert "TOKEN-1234" not in stored and "Reset" not in stored
    job = db.session.scalar(select(JobRecord))
    assert job.kwargs == f'{{"message_id": {message.id}}}'
    db.session.commit()
    assert db.session.execute(text("SELECT sealed FROM mail_message")).scalar_one() is None


def test_a_message_is_sent_once_even_if_its_job_runs_twice(app):
    send_mail("a@example.test", "Once", BODY)
    db.session.commit()
    job = db.session.scalar(select(JobRecord))
    db.session.execute(text("UPDATE job_record SET status = 'queued'"))  # a duplicate delivery
    db.session.commit()
    assert execute(job.id) == "finished"
    assert len(outbox(app)) == 1


def test_without_a_mail_server_nothing_is_sent_and_the_body_is_not_logged(make_app, caplog):
    app = make_app(MAIL_CAPTURE=False, MAIL_SERVER=None)
    with app.app_context(), caplog.at_level(logging.WARNING, "partnership_audit.mail"):
        message = send_mail("a@example.test", "Reset", BODY)
        db.session.commit()
        assert db.session.get(MailMessage, message.id).status == "not_sent"
        db.session.remove()
    assert "mail not configured" in caplog.text
    assert "TOKEN-1234" not in caplog.text and "a@example.test" not in caplog.text
    assert "mail_outbox" not in app.extensions
