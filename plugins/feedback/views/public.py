"""The pages a child, young person, parent or carer reaches from a link: no sign-in, no name,
no way to anywhere else in the service, kind words when something is wrong.

Everything is answered here, errors included (the blueprint's own handlers), so a child never
sees a staff error page with its link to the home page.
"""

from __future__ import annotations

import logging

from flask import abort, current_app, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from core.toolkit import db, public, rate_limit
from plugins.feedback import clock, vocab
from plugins.feedback.alerts import due_at
from plugins.feedback.answers import form_of, receive
from plugins.feedback.models import FeedbackLink
from plugins.feedback.settings import setting
from plugins.feedback.tokens import find_link
from plugins.feedback.views import child_pages

log = logging.getLogger("partnership_audit.feedback")
KIND_CODES = (400, 404, 405, 410, 413, 429, 500)


def _limit() -> str:
    return setting("PUBLIC_RATE_LIMIT")


@child_pages.route("/<token>", methods=["GET", "POST"])
@public
@rate_limit(_limit)
def answer(token: str):
    if (request.content_length or 0) > setting("MAX_FORM_BYTES"):
        abort(413)
    request.max_content_length = setting("MAX_FORM_BYTES")
    link = find_link(token)
    if link is None:
        return _gone("unknown", None), 404
    state = link.status(clock.now())
    if state != "waiting":
        return _gone(state, link), 410
    if request.method == "POST":
        return _send(link)
    return _form(link, {}, {})


@child_pages.get("/<path:mangled>")
@public
@rate_limit(_limit)
def mangled(mangled: str):
    """A link cut short or run on (a slash too many): the same kind page, not core's 404."""
    return _gone("unknown", None), 404


def _send(link: FeedbackLink):
    received = receive(link, request.form, talk=bool(request.form.get("talk")))
    if received.errors:
        return _form(link, request.form, received.errors), 400
    if received.too_late:
        db.session.rollback()
        db.session.refresh(link)
        return _gone(link.status(clock.now()), link), 410
    db.session.commit()
    if received.alert is not None:
        return render_template("feedback/public/help.html", when=_when(received.alert),
                               asked=received.alert.reason_keys == ["talk"], **_page(link))
    return render_template("feedback/public/thanks.html", **_page(link))


def _when(alert) -> str:
    """When a manager will read it, in words true on the day: "today" on a working day, "on
    Tuesday" over a weekend or bank holiday (a child must not be told "today" on Good Friday)."""
    due = due_at(alert)
    day = due.astimezone(clock.LONDON).date() if due is not None else clock.today()
    if day <= clock.today():
        return "today"
    if (day - clock.today()).days < 7:
        return f"on {day:%A}"
    return f"on {day:%A} {day.day} {day:%B}"


def _form(link: FeedbackLink, values, errors: dict[str, str], notice: str = ""):
    return render_template("feedback/public/form.html", sections=form_of(link),
                           values=values, errors=errors, notice=notice,
                           max_text=setting("MAX_TEXT"), **_page(link))


def _page(link: FeedbackLink | None) -> dict:
    audience = link.audience if link is not None else None
    return {"audience": audience, "child": vocab.is_child(audience),
            "under_8": audience == "child_under_8",
            "about": vocab.ABOUT.get(link.occasion, "") if link is not None else ""}


def _gone(state: str, link: FeedbackLink | None):
    known = state if state in ("answered", "expired", "withdrawn") else "unknown"
    return render_template("feedback/public/gone.html", state=known, **_page(link))


# --- kind error pages -----------------------------------------------------------------------


def _kind_error(exc: Exception):
    if isinstance(exc, CSRFError) and request.endpoint == "feedback.public.answer":
        return _send_again()
    if not isinstance(exc, HTTPException):
        if current_app.config.get("PROPAGATE_EXCEPTIONS"):
            raise exc
        db.session.rollback()
        log.error("feedback page failed: %s", type(exc).__name__, exc_info=exc)
    code = exc.code if isinstance(exc, HTTPException) and exc.code else 500
    return render_template("feedback/public/problem.html", code=code, **_page(None)), code


def _send_again():
    """The page sat open so long its security token lapsed: show the answers again, kept, and
    ask for one more press of Send (nothing was saved)."""
    link = find_link((request.view_args or {}).get("token", ""))
    if link is None or link.status(clock.now()) != "waiting":
        return _gone("unknown" if link is None else link.status(clock.now()), link), 410
    notice = "Sorry, we could not send that. Your answers are still here: press Send again."
    return _form(link, request.form, {}, notice=notice), 400


for _code in KIND_CODES:
    child_pages.register_error_handler(_code, _kind_error)
child_pages.register_error_handler(Exception, _kind_error)
