"""After acceptance: the team's response (discussion and agreed actions), the head of
service's review of an inadequate audit, and the Make a Difference summaries."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from sqlalchemy import select

from core.toolkit import (
    allowed_transitions,
    can,
    db,
    format_london,
    instances_for,
    permission_required,
)
from plugins.single_agency import difference, people, responses
from plugins.single_agency.blueprint import bp
from plugins.single_agency.models import Audit, MakeADifference
from plugins.single_agency.scope import audit_or_404, visible_audits
from plugins.single_agency.views.common import me, page, status_for
from plugins.single_agency.workflow import HOS_REVIEW, RESPONSE


def _response_or_404(audit: Audit):
    found = responses.response_of(audit)
    if found is None:
        abort(404)
    return found


def _may(workflow: str, response, key: str) -> bool:
    found = instances_for(workflow, response.id, workflow)
    return bool(found) and any(t.key == key for t in allowed_transitions(found[-1], me()))


def _response_page(audit: Audit, errors: dict, values: dict):
    response = _response_or_404(audit)
    values = {"version": response.version, **values}
    trail = [e for w in (RESPONSE, HOS_REVIEW) for i in instances_for(w, response.id, w)
             for e in i.log]
    names = {u.id: u.name for u in people.users({e.user_id for e in trail} | set(
        response.shared_with))}
    return page("response.html", status_for(errors), audit=audit, response=response,
                errors=errors, values=values, names=names, format_london=format_london,
                may_respond=_may(RESPONSE, response, "record"),
                may_review=_may(HOS_REVIEW, response, "review")
                or _may(HOS_REVIEW, response, "decide"))


@bp.get("/audits/<int:audit_id>/response")
@permission_required("single_agency.view")
def response(audit_id: int):
    return _response_page(audit_or_404(audit_id), {}, {})


@bp.post("/audits/<int:audit_id>/response")
@permission_required("single_agency.respond")
def record_response(audit_id: int):
    audit = audit_or_404(audit_id)
    try:
        responses.record_response(_response_or_404(audit), request.form, me())
    except responses.ResponseInvalid as exc:
        db.session.rollback()
        return _response_page(audit_or_404(audit_id), exc.errors, dict(request.form))
    db.session.commit()
    flash("Your discussion and the agreed actions have been recorded", "success")
    return redirect(url_for("single_agency.response", audit_id=audit_id))


@bp.post("/audits/<int:audit_id>/response/head-of-service")
@permission_required("single_agency.hos_review")
def record_hos_review(audit_id: int):
    audit = audit_or_404(audit_id)
    try:
        responses.record_hos_review(_response_or_404(audit), request.form, me())
    except responses.ResponseInvalid as exc:
        db.session.rollback()
        return _response_page(audit_or_404(audit_id), exc.errors, dict(request.form))
    db.session.commit()
    flash("Your review has been recorded", "success")
    return redirect(url_for("single_agency.response", audit_id=audit_id))


# --- Make a Difference ---------------------------------------------------------------------


def _summaries() -> list[MakeADifference]:
    visible = visible_audits().with_only_columns(Audit.id)
    shown = ("draft", "published") if can("single_agency.publish") else ("published",)
    return list(db.session.scalars(
        select(MakeADifference).where(MakeADifference.audit_id.in_(visible),
                                      MakeADifference.state.in_(shown))
        .order_by(MakeADifference.state, MakeADifference.drafted_at.desc()).limit(200)))


def _summaries_page(errors: dict | None = None, values: dict | None = None):
    return page("make_a_difference.html", status_for(errors or {}), rows=_summaries(),
                errors=errors or {}, values=values or {}, format_london=format_london,
                may_publish=can("single_agency.publish"))


@bp.get("/make-a-difference")
@permission_required("single_agency.view")
def make_a_difference():
    return _summaries_page()


@bp.post("/make-a-difference/<int:summary_id>/publish")
@permission_required("single_agency.publish")
def publish_summary(summary_id: int):
    summary = db.session.get(MakeADifference, summary_id)
    if summary is None:
        abort(404)
    audit = audit_or_404(summary.audit_id)
    if not can("single_agency.publish", audit):
        abort(404)
    try:
        difference.publish(summary, request.form.get(f"summary-{summary_id}", ""),
                           request.form.get("version"), me())
    except difference.SummaryInvalid as exc:
        db.session.rollback()
        errors = {f"summary-{summary_id}": exc.errors["summary"]}
        return _summaries_page(errors, {f"summary-{summary_id}": request.form.get("summary")})
    db.session.commit()
    flash(f"The Make a Difference summary from audit {audit.reference} is published",
          "success")
    return redirect(url_for("single_agency.make_a_difference"))
