"""Referral pages: the register, record and change a referral, the referral page, reveal.

URLs carry the referral's random reference only. Every opening of a referral is written to the
access log; anyone who may not open it gets the same 404 as for a reference that does not
exist. The adult's role and employer appear only during a live reveal.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from core.toolkit import (
    REVEAL_REASONS,
    KeyUnavailable,
    Partnership,
    User,
    can,
    current_user,
    db,
    permission_required,
)
from plugins.lado import referrals, reveal, timeliness, vocab
from plugins.lado.access import (
    PLAN,
    REGISTER,
    SETTINGS,
    VIEW,
    find_referral,
    log,
    log_listed,
    may_edit,
    may_reveal_adult,
    partnerships_with,
    visible_referrals,
)
from plugins.lado.config import settings_for
from plugins.lado.models import LadoAudit, LadoReferral
from plugins.lado.retention import is_destroyed

bp = Blueprint("lado", __name__, url_prefix="/lado", template_folder="templates")
PAGE_SIZE = 50
KEYS_MISSING = ("Referrals cannot be recorded or changed now because an encryption key is not "
                "available. Tell your administrator.")
MARKING = "OFFICIAL-SENSITIVE"


def me() -> Any:
    return current_user._get_current_object()


def my_partnerships(permission: str) -> list[Partnership]:
    ids = partnerships_with(permission)
    return sorted((db.session.get(Partnership, i) for i in ids), key=lambda p: p.name)


def chosen_partnership(options: list[Partnership], value: str | None) -> Partnership | None:
    if not value and len(options) == 1:
        return options[0]
    return next((p for p in options if str(p.id) == value), None)


def choices(options: dict[str, str], blank: str) -> list[tuple[str, str]]:
    return [("", blank), *options.items()]


# --- The register --------------------------------------------------------------------------


def _filters() -> dict[str, str]:
    return {"sector": request.args.get("sector", ""), "state": request.args.get("state", "")}


@bp.get("/")
@permission_required(VIEW)
def index():
    chosen = _filters()
    query = visible_referrals()
    if chosen["sector"] in vocab.SECTORS:
        query = query.where(LadoReferral.sector == chosen["sector"])
    rows = list(db.session.scalars(query.order_by(LadoReferral.referral_date.desc(),
                                                  LadoReferral.reference)))
    settings = {pid: settings_for(pid) for pid in {r.partnership_id for r in rows}}
    marked = [(r, timeliness.is_long_running(r, settings[r.partnership_id])) for r in rows]
    if chosen["state"] == "long":
        marked = [(r, long) for r, long in marked if long]
    elif chosen["state"] == "open":
        marked = [(r, long) for r, long in marked if not r.concluded]
    page = max(request.args.get("page", 1, type=int), 1)
    shown = marked[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
    html = render_template(
        "lado/index.html", rows=shown, page=page, has_next=len(marked) > page * PAGE_SIZE,
        chosen=chosen, sectors=vocab.SECTORS, categories=vocab.CATEGORY_SHORT,
        may_register=bool(partnerships_with(REGISTER)), may_plan=bool(partnerships_with(PLAN)),
        may_set=bool(partnerships_with(SETTINGS)), protective_marking=MARKING)
    log_listed((r for r, _ in shown), "register")
    db.session.commit()  # the page is sent only once its rows are on record
    return html


# --- Recording and changing ------------------------------------------------------------------


def _form_context(partnership_options: list[Partnership], values: dict, errors: dict,
                  referral: LadoReferral | None = None) -> dict:
    partnership = referral.partnership if referral else chosen_partnership(
        partnership_options, values.get("partnership"))
    agencies = partnership.agencies if partnership else sorted(
        {a for p in partnership_options for a in p.agencies}, key=lambda a: a.name)
    ladoes = _ladoes(partnership) if partnership else []
    return {
        "values": values, "errors": errors, "referral": referral,
        "order": list(referrals.FIELDS),
        "partnerships": [("", "Select a partnership"),
                         *((str(p.id), p.name) for p in partnership_options)],
        "only_partnership": partnership_options[0] if len(partnership_options) == 1 else None,
        "agencies": [("", "Not recorded"), *((str(a.id), a.name) for a in agencies)],
        "ladoes": [("", "Not recorded"), *((str(u.id), u.name) for u in ladoes)],
        "sectors": choices(vocab.SECTORS, "Select a sector"),
        "categories": list(vocab.CATEGORIES.items()),
        "decisions": choices(vocab.DECISIONS, "Not yet decided"),
        "outcomes": choices(vocab.OUTCOMES, "No outcome yet"),
        "flags": vocab.FLAG_LABELS, "flag_dates": vocab.FLAG_DATES,
        "date_labels": vocab.DATE_LABELS, "protective_marking": MARKING}


def _ladoes(partnership: Partnership) -> list:
    ids = referrals.lado_ids(partnership)
    return sorted((db.session.get(User, i) for i in ids), key=lambda u: u.name)


def _form_values() -> dict[str, str]:
    fields = ("partnership", *referrals.FIELDS)
    return {name: request.form.get(name, "").strip() for name in fields}


@bp.route("/referrals/new", methods=["GET", "POST"])
@permission_required(REGISTER)
def new_referral():
    options = my_partnerships(REGISTER)
    if not options:
        abort(403)
    if request.method == "GET":
        values = {"lado": str(current_user.id)}
        return render_template("lado/referral_form.html", **_form_context(options, values, {}))
    values = _form_values()
    partnership = chosen_partnership(options, values["partnership"])
    if partnership is None:
        errors = {"partnership": "Select the partnership"}
        return render_template("lado/referral_form.html",
                               **_form_context(options, values, errors)), 400
    try:
        referral = referrals.register(partnership, values, me(), timeliness.today())
        db.session.commit()
    except referrals.ReferralInvalid as exc:
        db.session.rollback()
        return render_template("lado/referral_form.html",
                               **_form_context(options, values, exc.errors)), 400
    except KeyUnavailable:
        db.session.rollback()
        flash(KEYS_MISSING)
        return redirect(url_for("lado.index"))
    flash(f"Referral {referral.reference} recorded", "success")
    return redirect(url_for("lado.referral", reference=referral.reference))


def _edit_values(referral: LadoReferral) -> dict[str, str]:
    def day(value):
        return value.strftime("%d/%m/%Y") if value else ""

    def flag(value):
        return "" if value is None else ("yes" if value else "no")

    values = {name: getattr(referral, name) or "" for name in
              ("sector", "category", "decision", "outcome")}
    values.update({name: day(getattr(referral, name)) for name in
                   ("referral_date", "decision_date", "strategy_date", "outcome_date",
                    *vocab.FLAG_DATES.values())})
    values.update({name: flag(getattr(referral, name)) for name in
                   ("strategy_held", *vocab.FLAGS)})
    values["referrer_agency"] = str(referral.referrer_agency_id or "")
    values["lado"] = str(referral.lado_id or "")
    values["children"] = " ".join(referral.case_codes)
    return values


@bp.route("/referrals/<reference>/edit", methods=["GET", "POST"])
@permission_required(REGISTER)
def edit_referral(reference: str):
    referral = find_referral(reference, "edit")
    if not may_edit(current_user, referral):
        abort(403)
    if request.method == "GET":
        values = {**_edit_values(referral), "version": str(referral.version)}
        return render_template("lado/referral_form.html",
                               **_form_context([], values, {}, referral))
    values = {**_form_values(), "version": request.form.get("version", "")}
    if values["version"] != str(referral.version):
        errors = {"version": "Someone else changed this referral while you were editing it. "
                             "Your changes have not been saved: check the referral again."}
        return render_template("lado/referral_form.html",
                               **_form_context([], values, errors, referral)), 409
    try:
        changed = referrals.update(referral, values, me(), timeliness.today())
        db.session.commit()
    except referrals.ReferralInvalid as exc:
        db.session.rollback()
        return render_template("lado/referral_form.html",
                               **_form_context([], values, exc.errors, referral)), 400
    except StaleDataError:
        db.session.rollback()
        flash("Someone else changed this referral at the same moment. Nothing was saved.")
        return redirect(url_for("lado.referral", reference=reference))
    flash("Referral updated" if changed else "Nothing was changed", "success")
    return redirect(url_for("lado.referral", reference=referral.reference))


# --- The referral page and reveal ----------------------------------------------------------


@bp.get("/referrals/<reference>")
@permission_required(VIEW)
def referral(reference: str):
    referral = find_referral(reference)
    try:
        sealed, live = reveal.shown(referral, me())
        unavailable = False
    except reveal.Unavailable:
        sealed, live, unavailable = None, None, True
    settings = settings_for(referral.partnership_id)
    audits = db.session.scalars(select(LadoAudit).where(LadoAudit.referral_id == referral.id)
                                .order_by(LadoAudit.allocated_at)).all()
    db.session.commit()
    return render_template(
        "lado/referral.html", referral=referral, sealed=sealed, live=live,
        unavailable=unavailable, steps=timeliness.steps(referral, settings),
        open_days=timeliness.open_days(referral), settings=settings,
        long_running=timeliness.is_long_running(referral, settings), audits=audits,
        may_reveal=may_reveal_adult(current_user, referral) and not is_destroyed(referral),
        may_edit=may_edit(current_user, referral),
        may_audit=can(PLAN, referral), vocab=vocab, protective_marking=MARKING)


@bp.route("/referrals/<reference>/reveal", methods=["GET", "POST"])
@permission_required(VIEW)
def reveal_adult(reference: str):
    referral = find_referral(reference, "reveal")
    if not may_reveal_adult(current_user, referral):
        log(referral, "lado_reveal_refused", "not allowed")
        db.session.commit()
        abort(403)
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            reveal.reveal(referral, me(), request.form.get("reason"),
                          request.form.get("reason_text"))
            db.session.commit()
            return redirect(url_for("lado.referral", reference=referral.reference))
        except reveal.RevealInvalid as exc:
            errors = exc.errors
        except reveal.Unavailable:
            db.session.commit()
            flash("The adult's details could not be decrypted. The failure has been recorded.")
            return redirect(url_for("lado.referral", reference=referral.reference))
    return render_template(
        "lado/reveal.html", referral=referral, errors=errors, reasons=list(REVEAL_REASONS.items()),
        form=request.form, protective_marking=MARKING), 400 if errors else 200
