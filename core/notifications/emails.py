"""The emails notifications send: plain text with an HTML alternative, from one layout.

The text is the notification's own subject and body (case codes only) and a link built from
PUBLIC_URL, never from the request's Host header, so a forged Host cannot redirect anyone.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import current_app

from core.identity.models import User
from core.notifications.models import Notification


def absolute_link(link: str | None) -> str | None:
    """The notification's relative link as a full address under PUBLIC_URL."""
    if not link:
        return None
    return current_app.config["PUBLIC_URL"].rstrip("/") + link


def inbox_link() -> str:
    return absolute_link("/inbox") or ""


def render_notification(note: Notification) -> tuple[str, str, str]:
    """Subject, plain text and HTML for one notification's email."""
    context = _context(note=note, link=absolute_link(note.link))
    subject = ("Urgent: " if note.urgent else "") + note.subject
    return (subject, _render("email/notification.txt", context),
            _render("email/notification.html", context))


def render_digest(notes: Sequence[Notification]) -> tuple[str, str, str]:
    """Subject, plain text and HTML for one person's daily summary."""
    context = _context(notes=[(n, absolute_link(n.link)) for n in notes])
    count = len(notes)
    subject = _subject(f"{count} new notification{'' if count == 1 else 's'}")
    return (subject, _render("email/digest.txt", context),
            _render("email/digest.html", context))


def send_notification_email(user: User, note: Notification) -> None:
    from core.mail import send_mail

    subject, text, html = render_notification(note)
    send_mail(to=user.email, subject=subject, body=text, html=html)


def send_digest_email(user: User, notes: Sequence[Notification]) -> None:
    from core.mail import send_mail

    subject, text, html = render_digest(notes)
    send_mail(to=user.email, subject=subject, body=text, html=html)


def _render(name: str, context: dict) -> str:
    """Render without the page context processors: an email knows nothing of the request."""
    return current_app.jinja_env.get_template(name).render(**context)


def _context(**values) -> dict:
    return {"service": current_app.config["SERVICE_NAME"], "inbox_url": inbox_link(),
            "preferences_url": absolute_link("/account/notifications"), **values}


def _subject(text: str) -> str:
    return f"{text}: {current_app.config['SERVICE_NAME']}"
