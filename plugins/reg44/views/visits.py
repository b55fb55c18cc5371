"""A visit's page and the steps that move it on: record, finish, reopen, cancel."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for

from core.toolkit import TransitionRefused, can, db, permission_required
from plugins.reg44 import visits as service
from plugins.reg44.access import find_visit, is_visitor_of, may, me
from plugins.reg44.carryover import checklist, reviews_by_recommendation
from plugins.reg44.forms import Conflict, Invalid
from plugins.reg44.models import Visit
from plugins.reg44.permissions import DISTRIBUTE, MANAGE, RESPOND, VIEW, VISIT
from plugins.reg44.report_checks import missing_parts, section_status
from plugins.reg44.status import flags
from plugins.reg44.views import bp, conflict, invalid
from plugins.reg44.vocab import ANNOUNCED, METHODS, RECIPIENTS, REVIEW_OUTCOMES


def writable_visit(visit_id: int) -> Visit:
    """The visit, for its own independent person only (others who can see it get 403)."""
    visit = find_visit(visit_id)
    if not is_visitor_of(visit):
        abort(403)
    return visit


def visit_page(visit: Visit, errors: dict[str, str] | None = None,
               form: Any = None) -> dict[str, Any]:
    mine = is_visitor_of(visit)
    return {
        "visit": visit, "home": visit.home, "flags": flags(visit), "errors": errors or {},
        "form": form or {}, "mine": mine, "carried": checklist(visit),
        "reviews": reviews_by_recommendation(visit), "outcomes": REVIEW_OUTCOMES,
        "sections": section_status(visit) if visit.state == "drafting" else {},
        "missing": missing_parts(visit) if mine and visit.state == "drafting" else [],
        "may_cancel": can(MANAGE, visit) and visit.state == "scheduled",
        "may_distribute": may(DISTRIBUTE, visit), "may_respond": may(RESPOND, visit),
        "recipients": RECIPIENTS, "methods": METHODS, "announced": ANNOUNCED,
    }


@bp.get("/visits/<int:visit_id>")
@permission_required(VIEW)
def visit(visit_id: int):
    found = find_visit(visit_id)
    return render_template("reg44/visit.html", **visit_page(found))


def _refused(visit: Visit, refused: TransitionRefused) -> tuple[str, int]:
    db.session.rollback()
    if refused.kind == "conflict":
        return conflict("this visit")
    fresh = db.session.get(Visit, visit.id)
    return render_template("reg44/visit.html", **visit_page(fresh, {"state": refused.reason})), \
        400


@bp.route("/visits/<int:visit_id>/record", methods=["GET", "POST"])
@permission_required(VISIT)
def record(visit_id: int):
    found = writable_visit(visit_id)
    if found.state != "scheduled":
        return redirect(url_for("reg44.visit", visit_id=found.id))
    page = {"visit": found, "announced": ANNOUNCED}
    if request.method == "GET":
        return render_template("reg44/record.html", errors={}, form={}, **page)
    try:
        service.record_visit(found, request.form, me())
    except Conflict:
        return conflict("this visit")
    except Invalid as exc:
        return invalid("reg44/record.html", exc.errors, form=request.form, **page)
    except TransitionRefused as refused:
        return _refused(found, refused)
    db.session.commit()
    flash("The visit is recorded. Write the report by the end of the month.", "success")
    return redirect(url_for("reg44.visit", visit_id=found.id))


@bp.post("/visits/<int:visit_id>/finish")
@permission_required(VISIT)
def finish(visit_id: int):
    found = writable_visit(visit_id)
    try:
        service.finish(found, request.form, me())
    except Conflict:
        return conflict("this visit")
    except TransitionRefused as refused:
        return _refused(found, refused)
    db.session.commit()
    flash("The report is finished. Export it and record who it was sent to.", "success")
    return redirect(url_for("reg44.visit", visit_id=found.id))


@bp.post("/visits/<int:visit_id>/reopen")
@permission_required(VISIT)
def reopen(visit_id: int):
    found = writable_visit(visit_id)
    try:
        service.reopen(found, request.form, me())
    except Conflict:
        return conflict("this visit")
    except TransitionRefused as refused:
        return _refused(found, refused)
    db.session.commit()
    flash("The report is open for changes again.", "success")
    return redirect(url_for("reg44.visit", visit_id=found.id))


@bp.route("/visits/<int:visit_id>/cancel", methods=["GET", "POST"])
@permission_required(MANAGE)
def cancel(visit_id: int):
    found = find_visit(visit_id, MANAGE)
    if request.method == "GET":
        return render_template("reg44/cancel.html", visit=found, errors={}, form={})
    try:
        service.cancel(found, request.form, me())
    except Conflict:
        return conflict("this visit")
    except Invalid as exc:
        return invalid("reg44/cancel.html", exc.errors, visit=found, form=request.form)
    except TransitionRefused as refused:
        return _refused(found, refused)
    db.session.commit()
    flash(f"The visit {found.reference} is cancelled.", "success")
    return redirect(url_for("reg44.visit", visit_id=found.id))
