"""The duty inbox: safeguarding alerts from feedback, and acknowledging one."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import case
from sqlalchemy.orm.exc import StaleDataError

from core.toolkit import TransitionRefused, db, permission_required, scoped
from plugins.feedback import clock, vocab
from plugins.feedback.alerts import REASONS, AlertInvalid, acknowledge, due_at
from plugins.feedback.models import DisclosureAlert
from plugins.feedback.views import bp
from plugins.feedback.views.common import get_or_404, me, page_number
from plugins.feedback.views.responses import answers_of

ACKNOWLEDGE = "feedback.acknowledge"
PAGE = 50


@bp.get("/alerts")
@permission_required(ACKNOWLEDGE)
def alerts():
    """Waiting alerts first, the longest waiting at the top; then acknowledged ones, newest
    first."""
    page = page_number()
    waiting = DisclosureAlert.acknowledged_at.is_(None)
    query = scoped(DisclosureAlert, ACKNOWLEDGE).order_by(
        waiting.desc(), case((waiting, DisclosureAlert.raised_at), else_=None).asc(),
        DisclosureAlert.raised_at.desc())
    rows = db.session.scalars(query.limit(PAGE + 1).offset((page - 1) * PAGE)).all()
    return render_template("feedback/alerts/index.html", alerts=rows[:PAGE], page=page,
                           more=len(rows) > PAGE, due={a.id: due_at(a) for a in rows},
                           now=clock.now(), reasons=REASONS)


@bp.route("/alerts/<alert_id>", methods=["GET", "POST"])
@permission_required(ACKNOWLEDGE)
def alert(alert_id: str):
    found = get_or_404(DisclosureAlert, alert_id, ACKNOWLEDGE)
    errors: dict[str, str] = {}
    note = ""
    if request.method == "POST" and found.acknowledged_at is None:
        note = request.form.get("action_taken", "")
        errors = _acknowledge(found, note)
        if not errors:
            flash(f"Alert for {found.case.code} acknowledged", "success")
            return redirect(url_for("feedback.alert", alert_id=found.id))
        found = get_or_404(DisclosureAlert, alert_id, ACKNOWLEDGE)
    return render_template(
        "feedback/alerts/show.html", alert=found, due=due_at(found), errors=errors, note=note,
        reasons=REASONS, answers=answers_of(found.response), audiences=vocab.AUDIENCES,
        occasions=vocab.OCCASIONS, channels=vocab.CHANNELS), 400 if errors else 200


def _acknowledge(found: DisclosureAlert, note: str) -> dict[str, str]:
    try:
        acknowledge(found, me(), note)
        db.session.commit()
    except AlertInvalid as invalid:
        db.session.rollback()
        return invalid.errors
    except TransitionRefused as refused:
        db.session.rollback()
        return {"action_taken": refused.reason}
    except StaleDataError:
        db.session.rollback()
        return {"action_taken": "Someone else acknowledged this alert at the same time."}
    return {}
