"""Staff pages for one case: all its feedback, links and "you said, we did"; recording a
telephone call to the family."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select

from core.toolkit import (
    FAMILY_CONTACT_OUTCOMES,
    FAMILY_CONTACT_WITH,
    can,
    db,
    permission_required,
)
from plugins.feedback import clock, vocab
from plugins.feedback.calls import CallInvalid, record_call
from plugins.feedback.models import FeedbackLink, FeedbackResponse, YouSaidWeDid
from plugins.feedback.views import bp
from plugins.feedback.views.common import case_for, me

VIEW = "feedback.view"
REQUEST = "feedback.request"
CALL_FIELDS = ("with_whom", "outcome", "contacted_day", "contacted_month", "contacted_year",
               "summary", "reference")


@bp.get("/cases/<code>")
@permission_required(VIEW)
def case(code: str):
    found = case_for(code, VIEW)
    responses = db.session.scalars(select(FeedbackResponse).filter_by(case_id=found.id)
                                   .order_by(FeedbackResponse.received_at.desc())).all()
    links = db.session.scalars(select(FeedbackLink).filter_by(case_id=found.id)
                               .order_by(FeedbackLink.created_at.desc())).all()
    you_said = db.session.scalars(
        select(YouSaidWeDid).where(YouSaidWeDid.response_id.in_([r.id for r in responses]))
        .order_by(YouSaidWeDid.created_at.desc())).all()
    return render_template(
        "feedback/case.html", case=found, responses=responses, links=links, you_said=you_said,
        now=clock.now(), audiences=vocab.AUDIENCES, occasions=vocab.OCCASIONS,
        channels=vocab.CHANNELS, outcomes=FAMILY_CONTACT_OUTCOMES,
        may_request=can(REQUEST, found), may_respond=can("feedback.respond", found))


@bp.route("/cases/<code>/call", methods=["GET", "POST"])
@permission_required(REQUEST)
def record_call_view(code: str):
    found = case_for(code, REQUEST)
    today = clock.today()
    values = {"with_whom": "", "outcome": "", "summary": "", "contacted_day": str(today.day),
              "contacted_month": str(today.month), "contacted_year": str(today.year),
              "reference": request.args.get("reference", "")[:60]}
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = {name: request.form.get(name, "") for name in CALL_FIELDS}
        try:
            response = record_call(found, values, me())
        except CallInvalid as invalid:
            errors = invalid.errors
        else:
            db.session.commit()
            flash(f"Call recorded for {found.code}", "success")
            return redirect(url_for("feedback.response", response_id=response.id))
    return render_template("feedback/call.html", case=found, values=values, errors=errors,
                           contact_with=FAMILY_CONTACT_WITH, outcomes=FAMILY_CONTACT_OUTCOMES,
                           ), 400 if errors else 200
