"""Staff pages for feedback links: create one (with its QR code), list them, withdraw one."""

from __future__ import annotations

import secrets

from flask import flash, redirect, render_template, request, url_for

from core.toolkit import Case, db, format_london, permission_required, scoped
from plugins.feedback import clock, vocab
from plugins.feedback.links import (
    LinkInvalid,
    check_choices,
    create_link,
    public_address,
    qr_data_uri,
    withdraw,
)
from plugins.feedback.models import FeedbackLink
from plugins.feedback.settings import setting
from plugins.feedback.views import bp
from plugins.feedback.views.common import get_or_404, me, page_number

REQUEST = "feedback.request"
PAGE = 50


@bp.route("/links/new", methods=["GET", "POST"])
@permission_required(REQUEST)
def new_link():
    values = {"code": request.args.get("code", "")[:20], "audience": "", "occasion": "",
              "days": str(setting("LINK_DAYS")), "request_key": secrets.token_urlsafe(24)}
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = {name: request.form.get(name, "").strip() for name in values}
        made, errors = _make(values)
        if made is not None:
            db.session.commit()
            return _made(made)
    return render_template("feedback/links/new.html", values=values, errors=errors,
                           audiences=vocab.AUDIENCES, child_occasions=vocab.CHILD_OCCASIONS,
                           adult_occasions=vocab.ADULT_OCCASIONS, days=vocab.LINK_DAYS), (
        400 if errors else 200)


def _make(values: dict[str, str]):
    errors = check_choices(values["audience"], values["occasion"], values["days"])
    case = _visible_case(values["code"])
    if case is None:
        errors = {"code": "Enter the code of a case you work with, for example NB-7K3Q9X-C",
                  **errors}
    if not values["request_key"] or len(values["request_key"]) > 64:
        errors["request_key"] = "Reload the page and try again"
    if errors:
        return None, errors
    try:
        return create_link(case, values["audience"], values["occasion"], int(values["days"]),
                           me(), values["request_key"]), {}
    except LinkInvalid as invalid:
        return None, invalid.errors


def _visible_case(code: str) -> Case | None:
    code = code.strip().upper()
    if not code or len(code) > 20:
        return None
    query = scoped(Case, REQUEST).where(Case.code == code, Case.destroyed_at.is_(None))
    return db.session.scalar(query)


def _made(made):
    link = made.link
    address = public_address(made.token) if made.token else None
    return render_template(
        "feedback/links/made.html", link=link, address=address,
        qr=qr_data_uri(address) if address else None,
        audience=vocab.AUDIENCES[link.audience], occasion=vocab.OCCASIONS[link.occasion],
        expires=format_london(link.expires_at))


@bp.get("/links")
@permission_required(REQUEST)
def links():
    page = page_number()
    query = scoped(FeedbackLink, REQUEST).order_by(FeedbackLink.created_at.desc())
    rows = db.session.scalars(query.limit(PAGE + 1).offset((page - 1) * PAGE)).all()
    return render_template("feedback/links/index.html", links=rows[:PAGE], now=clock.now(),
                           page=page, more=len(rows) > PAGE, audiences=vocab.AUDIENCES,
                           occasions=vocab.OCCASIONS)


@bp.post("/links/<link_id>/withdraw")
@permission_required(REQUEST)
def withdraw_link(link_id: str):
    link = get_or_404(FeedbackLink, link_id, REQUEST)
    if withdraw(link):
        db.session.commit()
        flash(f"The link for {link.case.code} no longer works", "success")
    else:
        flash("That link has already been answered, so it cannot be withdrawn")
    return redirect(url_for("feedback.links"))
