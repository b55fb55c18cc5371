"""Safety alerts raised by an audit's immediate-response check.

An alert is raised at once, in the transaction that saves the check, and the team manager and
service manager are told urgently (emailed whatever their preferences). Its workflow gives them
24 hours; unresolved, it climbs to the head of service, the assistant director and the director
(see `workflow.py`). One alert per reason per audit: saving the check again does not repeat it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from core.toolkit import (
    TransitionRefused,
    db,
    fire,
    instances_for,
    record_access,
    start_workflow,
)
from plugins.single_agency import clock, notices
from plugins.single_agency.models import Audit, SafetyAlert
from plugins.single_agency.workflow import ALERT

REASONS = {
    "child_safety": "Concern for the child's safety",
    "no_supervision": "No supervision recorded for six months or more",
}
RESPONSE_HOURS = 24


class AlertInvalid(ValueError):
    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(errors.values()))


def raise_alert(audit: Audit, reason: str, details: str | None, user: Any) -> SafetyAlert | None:
    """Raise the alert for `reason` unless this audit already has one; None if it had."""
    existing = db.session.scalar(select(SafetyAlert).where(
        SafetyAlert.audit_id == audit.id, SafetyAlert.reason == reason))
    if existing is not None:
        return None
    alert = SafetyAlert(audit_id=audit.id, partnership_id=audit.partnership_id,
                        agency_id=audit.agency_id, team_id=audit.team_id, reason=reason,
                        details=details, raised_by_id=getattr(user, "id", None),
                        raised_at=clock.now())
    db.session.add(alert)
    db.session.flush()
    start_workflow(ALERT, ALERT, alert.id, audit.partnership_id, audit.agency_id,
                   audit.team_id, by=user)
    record_access("safety_alert_raised", audit.case, user, detail=f"{audit.reference} {reason}")
    notices.alert_raised(alert, alert.raised_at + timedelta(hours=RESPONSE_HOURS))
    return alert


def resolve_alert(alert: SafetyAlert, user: Any, resolution: str) -> None:
    """Record the response that resolves the alert (the workflow checks who may)."""
    text = (resolution or "").strip()
    if len(text) < 10:
        raise AlertInvalid({"resolution": "Describe the response and what was done "
                                          "(at least 10 characters)"})
    instance = instances_for(ALERT, alert.id, ALERT)[-1]
    try:
        fire(instance, "resolve", user, note=text)
    except TransitionRefused as refused:
        raise AlertInvalid({"resolution": refused.reason}) from None
    alert.state, alert.resolution = "resolved", text
    alert.resolved_at, alert.resolved_by_id = clock.now(), user.id
    db.session.flush()


def alerts_of(audit: Audit) -> list[SafetyAlert]:
    return list(db.session.scalars(select(SafetyAlert).where(
        SafetyAlert.audit_id == audit.id).order_by(SafetyAlert.id)))
