"""Sending one email (plain text, optionally with an HTML alternative), through a job, after
the caller's transaction commits.

`send_mail` stores the message (subject and body sealed) and enqueues `core.send_mail` with
the message id only, so a rolled-back transaction sends nothing and Redis never holds the text.
The caller commits, as for any other write.

With MAIL_CAPTURE (tests, demos) the job appends the message to
`app.extensions["mail_outbox"]` instead of sending it. Without MAIL_SERVER nothing is sent and
a warning says so; the body is never logged, because it may hold a link that grants access.
"""

from __future__ import annotations

import json
import logging
import smtplib
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import update

from core.auth.secretbox import open_sealed, seal
from core.extensions import db
from core.jobs.models import MailMessage
from core.timeutil import utcnow

logger = logging.getLogger("partnership_audit.mail")
SEAL_INFO = b"mail-message"  # its own derived key; bound to the message id
UNREACHABLE = (smtplib.SMTPConnectError, smtplib.SMTPServerDisconnected, ConnectionError,
               TimeoutError)


def send_mail(to: str, subject: str, body: str, html: str | None = None) -> MailMessage:
    """Queue one message; it is sent once the current transaction commits.

    `html`, when given, is sent as an alternative to the plain-text `body` (sealed with it).
    """
    from core.jobs import enqueue

    message = MailMessage(recipient=to, status="pending", created_at=utcnow())
    db.session.add(message)
    db.session.flush()  # the id binds the sealed text to this row
    content = {"subject": subject, "body": body}
    if html is not None:
        content["html"] = html
    message.sealed = seal(json.dumps(content), message.id, SEAL_INFO)
    enqueue("core.send_mail", message_id=message.id)
    return message


def deliver(message_id: int) -> str:
    """The job: send (or capture) a pending message once; returns the message's new status."""
    message = _claim(message_id)
    if message is None:
        return "skipped"
    content = json.loads(open_sealed(message.sealed, message.id, SEAL_INFO))
    try:
        status = _send(message.recipient, content["subject"], content["body"],
                       content.get("html"))
    except UNREACHABLE:
        _set_status(message_id, "pending")  # nothing was sent: RQ's retry may try again
        raise ConnectionError("the mail server could not be reached") from None
    except Exception:
        _set_status(message_id, "failed", wipe=True)
        raise
    message.status, message.sent_at, message.sealed = status, utcnow(), None
    return status


def _claim(message_id: int) -> MailMessage | None:
    """pending → sending, committed before the SMTP call, so a second run sends nothing."""
    claimed = db.session.execute(
        update(MailMessage).where(MailMessage.id == message_id, MailMessage.status == "pending")
        .values(status="sending").execution_options(synchronize_session=False))
    db.session.commit()
    return db.session.get(MailMessage, message_id) if claimed.rowcount == 1 else None


def _set_status(message_id: int, status: str, wipe: bool = False) -> None:
    db.session.rollback()
    values: dict = {"status": status}
    if wipe:
        values["sealed"] = None
    db.session.execute(
        update(MailMessage).where(MailMessage.id == message_id).values(**values)
        .execution_options(synchronize_session=False))
    db.session.commit()


def _send(to: str, subject: str, body: str, html: str | None = None) -> str:
    cfg = current_app.config
    if cfg.get("MAIL_CAPTURE"):
        outbox = current_app.extensions.setdefault("mail_outbox", [])
        captured = {"to": to, "subject": subject, "body": body}
        if html is not None:
            captured["html"] = html
        outbox.append(captured)
        return "captured"
    if not cfg.get("MAIL_SERVER"):
        logger.warning("mail not configured: message %s was not sent", _message_ref(to))
        return "not_sent"
    _smtp_send(_message(to, subject, body, html))
    return "sent"


def _message_ref(to: str) -> str:
    """The recipient's domain only: enough to tell messages apart in a log, not who."""
    return "to @" + to.rsplit("@", 1)[-1] if "@" in to else "to an address"


def _message(to: str, subject: str, body: str, html: str | None = None) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = current_app.config["MAIL_FROM"]
    msg["To"] = to
    msg["Subject"] = subject
    msg.set_content(body)
    if html is not None:
        msg.add_alternative(html, subtype="html")
    return msg


def _smtp_send(msg: EmailMessage) -> None:
    cfg = current_app.config
    with smtplib.SMTP(cfg["MAIL_SERVER"], cfg.get("MAIL_PORT", 587), timeout=30) as smtp:
        if cfg.get("MAIL_USE_TLS", True):
            smtp.starttls()
        if cfg.get("MAIL_USERNAME"):
            smtp.login(cfg["MAIL_USERNAME"], cfg.get("MAIL_PASSWORD") or "")
        smtp.send_message(msg)
