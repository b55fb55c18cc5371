"""The finished report: reading it, who it was sent to, and the home's responses."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for

from core.toolkit import append_access_log, db, permission_required
from plugins.reg44 import pdf, sharing
from plugins.reg44.access import find_visit, me
from plugins.reg44.forms import Invalid
from plugins.reg44.models import Recommendation
from plugins.reg44.permissions import DISTRIBUTE, RESPOND, VIEW
from plugins.reg44.report_view import report_context
from plugins.reg44.views import bp, invalid
from plugins.reg44.views.visits import visit_page

FINISHED = ("finalised", "distributed")


@bp.get("/visits/<int:visit_id>/report")
@permission_required(VIEW)
def report(visit_id: int):
    """The whole report, as it is sent (OFFICIAL-SENSITIVE); each reading is logged."""
    visit = find_visit(visit_id)
    append_access_log("reg44_report_viewed", "reg44_visit", visit.reference, user=me(),
                      partnership_id=visit.partnership_id)
    db.session.commit()
    return render_template("reg44/report.html", **report_context(visit))


@bp.get("/visits/<int:visit_id>/report.pdf")
@permission_required(VIEW)
def report_pdf(visit_id: int):
    """The finished report as a PDF file (core's renderer, marked on every page); logged."""
    visit = find_visit(visit_id)
    if visit.state not in FINISHED:
        abort(404)
    content = pdf.report_pdf(visit)
    append_access_log("reg44_report_exported", "reg44_visit", visit.reference, user=me(),
                      partnership_id=visit.partnership_id, detail="pdf")
    db.session.commit()
    return Response(content, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{pdf.file_name(visit)}"',
        "Cache-Control": "no-store"})


@bp.post("/visits/<int:visit_id>/distribution")
@permission_required(DISTRIBUTE)
def distribute(visit_id: int):
    visit = find_visit(visit_id, DISTRIBUTE)
    try:
        row = sharing.record_distribution(visit, request.form, me())
    except Invalid as exc:
        db.session.rollback()
        return render_template("reg44/visit.html",
                               **visit_page(visit, exc.errors, request.form)), 400
    db.session.commit()
    flash(f"Recorded: the report went to {row.who} on {row.sent_on:%-d %B %Y}.", "success")
    return redirect(url_for("reg44.visit", visit_id=visit.id))


def _recommendation(rec_id: int) -> Recommendation:
    rec = db.session.get(Recommendation, rec_id)
    if rec is None:
        abort(404)
    visit = find_visit(rec.visit_id, RESPOND)
    if visit.state not in FINISHED:
        abort(404)
    return rec


@bp.route("/recommendations/<int:rec_id>/respond", methods=["GET", "POST"])
@permission_required(RESPOND)
def respond(rec_id: int):
    rec = _recommendation(rec_id)
    page = {"rec": rec, "visit": rec.visit}
    if request.method == "GET":
        return render_template("reg44/respond.html", errors={}, form={}, **page)
    try:
        sharing.record_response(rec, request.form, me())
    except Invalid as exc:
        return invalid("reg44/respond.html", exc.errors, form=request.form, **page)
    db.session.commit()
    flash(f"The home's response to recommendation {rec.label} is recorded.", "success")
    return redirect(url_for("reg44.visit", visit_id=rec.visit_id))

