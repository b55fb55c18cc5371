"""Safety alerts: the open alerts, one alert's page, and recording the response."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from sqlalchemy import select

from core.toolkit import (
    allowed_transitions,
    db,
    format_london,
    instances_for,
    permission_required,
)
from plugins.single_agency import alerts as service
from plugins.single_agency.blueprint import bp
from plugins.single_agency.models import Audit, SafetyAlert
from plugins.single_agency.scope import alert_or_404, visible_audits
from plugins.single_agency.views.common import me, page, status_for
from plugins.single_agency.workflow import ALERT


@bp.get("/alerts")
@permission_required("single_agency.alert")
def alert_list():
    visible = visible_audits().with_only_columns(Audit.id)
    rows = db.session.scalars(select(SafetyAlert).where(SafetyAlert.audit_id.in_(visible))
                              .order_by(SafetyAlert.state.desc(), SafetyAlert.raised_at.desc())
                              .limit(100)).all()
    return page("alerts.html", rows=rows, reasons=service.REASONS, format_london=format_london)


def _page(alert: SafetyAlert, errors: dict, values: dict):
    instance = instances_for(ALERT, alert.id, ALERT)[-1]
    due = next((c.due_at for c in instance.clocks if c.rule == "response"), None)
    return page("alert.html", status_for(errors), alert=alert, audit=alert.audit,
                errors=errors, values=values, reasons=service.REASONS, trail=instance.log,
                clocks=instance.clocks, due=due, format_london=format_london,
                may_resolve=any(t.key == "resolve" for t in allowed_transitions(instance, me())))


@bp.get("/alerts/<int:alert_id>")
@permission_required("single_agency.view")
def alert(alert_id: int):
    return _page(alert_or_404(alert_id), {}, {})


@bp.post("/alerts/<int:alert_id>/resolve")
@permission_required("single_agency.alert")
def resolve_alert(alert_id: int):
    alert = alert_or_404(alert_id)
    try:
        service.resolve_alert(alert, me(), request.form.get("resolution", ""))
    except service.AlertInvalid as exc:
        db.session.rollback()
        return _page(alert_or_404(alert_id), exc.errors, dict(request.form))
    db.session.commit()
    flash("The safety alert has been resolved", "success")
    return redirect(url_for("single_agency.alert", alert_id=alert_id))
