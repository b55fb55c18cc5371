"""Staff pages for "you said, we did": the list, and recording one for a response or case."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from core.toolkit import can, db, permission_required, scoped
from plugins.feedback.models import FeedbackResponse, YouSaidWeDid
from plugins.feedback.review import ReviewInvalid, add_you_said
from plugins.feedback.settings import themes
from plugins.feedback.views import bp
from plugins.feedback.views.common import case_for, get_or_404, me, page_number

VIEW = "feedback.view"
RESPOND = "feedback.respond"
PAGE = 50


@bp.get("/you-said")
@permission_required(VIEW)
def you_said():
    page = page_number()
    query = scoped(YouSaidWeDid, VIEW).order_by(YouSaidWeDid.created_at.desc())
    rows = db.session.scalars(query.limit(PAGE + 1).offset((page - 1) * PAGE)).all()
    return render_template("feedback/you_said/index.html", records=rows[:PAGE], page=page,
                           more=len(rows) > PAGE, may_respond=can(RESPOND))


@bp.route("/you-said/new", methods=["GET", "POST"])
@permission_required(RESPOND)
def new_you_said():
    response_id, code = request.values.get("response", ""), request.values.get("code", "")
    if response_id:
        where = get_or_404(FeedbackResponse, response_id, RESPOND)
    elif code:
        where = case_for(code, RESPOND)
    else:
        abort(400)  # reached from a response or a case page, which say which one
    values = {"theme": "", "you_said": "", "we_did": ""}
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = {name: request.form.get(name, "") for name in values}
        try:
            add_you_said(where, values, me())
        except ReviewInvalid as invalid:
            errors = invalid.errors
        else:
            db.session.commit()
            flash("“You said, we did” recorded", "success")
            return redirect(url_for("feedback.you_said"))
    code = where.case.code if isinstance(where, FeedbackResponse) else where.code
    return render_template("feedback/you_said/new.html", values=values, errors=errors,
                           themes=themes(), code=code,
                           response=where if isinstance(where, FeedbackResponse) else None,
                           ), 400 if errors else 200
