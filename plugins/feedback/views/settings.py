"""Each agency's duty inbox: the shared mailbox emailed at once about every alert."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from flask import abort, flash, redirect, render_template, request, url_for

from core.toolkit import Agency, db, permission_required, require, visible_agencies
from plugins.feedback import clock
from plugins.feedback.models import DutyInbox
from plugins.feedback.views import bp
from plugins.feedback.views.common import me

SETTINGS = "feedback.settings"


@bp.get("/settings")
@permission_required(SETTINGS)
def settings():
    agencies = db.session.scalars(visible_agencies(SETTINGS)).all()
    inboxes = {i.agency_id: i.mailbox for i in db.session.scalars(
        db.select(DutyInbox).where(DutyInbox.agency_id.in_([a.id for a in agencies])))}
    return render_template("feedback/settings/index.html", agencies=agencies, inboxes=inboxes)


@bp.route("/settings/<int:agency_id>", methods=["GET", "POST"])
@permission_required(SETTINGS)
def duty_inbox(agency_id: int):
    agency = db.session.get(Agency, agency_id) if agency_id < 2**31 else None
    if agency is None:
        abort(404)
    require(SETTINGS, agency)
    inbox = db.session.get(DutyInbox, agency.id)
    value, errors = (inbox.mailbox or "") if inbox else "", {}
    if request.method == "POST":
        value = request.form.get("mailbox", "").strip()
        errors = _save(agency, inbox, value)
        if not errors:
            flash(f"Duty inbox saved for {agency.name}", "success")
            return redirect(url_for("feedback.settings"))
    return render_template("feedback/settings/edit.html", agency=agency, value=value,
                           errors=errors), 400 if errors else 200


def _save(agency: Agency, inbox: DutyInbox | None, value: str) -> dict[str, str]:
    if value:
        try:
            value = validate_email(value, check_deliverability=False).normalized
        except EmailNotValidError:
            return {"mailbox": "Enter an email address like duty@council.gov.uk, or leave "
                               "it blank"}
    if inbox is None:
        inbox = DutyInbox(agency_id=agency.id)
        db.session.add(inbox)
    inbox.mailbox, inbox.updated_by_id, inbox.updated_at = value or None, me().id, clock.now()
    db.session.commit()
    return {}
