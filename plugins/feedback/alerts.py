"""Safeguarding alerts from feedback: raised at once, acknowledged the same working day.

Raising one writes the alert, starts its workflow (whose urgent clock escalates up the
management line if nobody acknowledges it in time), tells the allocated team manager in their
inbox and by email at once, and emails the agency's duty inbox. Messages carry the case code
and a link only: the child's words stay inside the service.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import select

from core.toolkit import (
    Membership,
    User,
    WorkflowInstance,
    db,
    escalation_recipients,
    fire,
    format_london,
    notify,
    send_mail,
    start_workflow,
)
from plugins.feedback import clock
from plugins.feedback.models import DisclosureAlert, DutyInbox, FeedbackResponse
from plugins.feedback.questions import clean_text
from plugins.feedback.workflow import KEY, SUBJECT

REASONS = {
    "talk": "asked to talk to someone now",
    "phrase": "wrote something that may be a disclosure of harm or risk",
    "unsafe": "said they do not feel safe",
}
MAX_NOTE = 5000


class AlertInvalid(ValueError):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(errors))
        self.errors = errors


def raise_alert(response: FeedbackResponse, reasons: list[str],
                phrases: list[str]) -> DisclosureAlert:
    """Record the alert and tell people, in the caller's transaction."""
    alert = DisclosureAlert(response_id=response.id, case_id=response.case_id,
                            reasons=" ".join(reasons), phrases="\n".join(phrases) or None,
                            raised_at=clock.now(), partnership_id=response.partnership_id,
                            agency_id=response.agency_id, team_id=response.team_id)
    db.session.add(alert)
    db.session.flush()
    instance = start_workflow(KEY, SUBJECT, alert.id, alert.partnership_id, alert.agency_id,
                              alert.team_id)
    alert.workflow_id = instance.id
    _tell(alert, instance)
    return alert


def due_at(alert: DisclosureAlert):
    """When the alert must be acknowledged by (None once it is)."""
    instance = db.session.get(WorkflowInstance, alert.workflow_id)
    open_clocks = [c for c in instance.clocks if c.stopped_at is None] if instance else []
    return open_clocks[0].due_at if open_clocks else None


def _tell(alert: DisclosureAlert, instance: WorkflowInstance) -> None:
    subject = f"Urgent: safeguarding alert from feedback for {alert.case.code}"
    _, managers = escalation_recipients(instance, "team_manager")
    managers = managers or _qa_managers(alert)
    notify(managers, "feedback.disclosure", subject, _body(alert, instance),
           link=f"/feedback/alerts/{alert.id}", partnership_id=alert.partnership_id,
           urgent=True)
    inbox = db.session.get(DutyInbox, alert.agency_id)
    if inbox is not None and inbox.mailbox:
        address = current_app.config["PUBLIC_URL"].rstrip("/") + f"/feedback/alerts/{alert.id}"
        send_mail(inbox.mailbox, subject, f"{_body(alert, instance)}\n\nOpen it: {address}\n")


def _qa_managers(alert: DisclosureAlert) -> list[User]:
    """Who is told when the case's whole management line is vacant: the agency's QA managers
    (who may acknowledge too). A disclosure must reach a person, not only a mailbox."""
    people = db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.agency_id == alert.agency_id, Membership.role == "qa_manager")
        .distinct().order_by(User.id)).all()
    return [u for u in people if u.is_active]


def _body(alert: DisclosureAlert, instance: WorkflowInstance) -> str:
    why = " and ".join(REASONS[r] for r in alert.reason_keys)
    due = instance.clocks[0].due_at if instance.clocks else None
    return (f"Feedback about case {alert.case.code} needs a person today: the child, young "
            f"person or family member {why}.\n\n"
            f"Read it in the duty inbox, act on it, and acknowledge the alert by "
            f"{format_london(due)}. If it is not acknowledged by then it is escalated to the "
            "service manager, then the head of service.")


def acknowledge(alert: DisclosureAlert, user: Any, action_taken: str) -> None:
    """Acknowledge for `user`, saying what was done. Raises AlertInvalid for a missing note
    and toolkit.TransitionRefused when the user may not, or someone else just did."""
    note = clean_text(action_taken or "")
    if not note:
        raise AlertInvalid({"action_taken": "Say what you have done or will do about it"})
    if len(note) > MAX_NOTE:
        raise AlertInvalid({"action_taken": f"Use {MAX_NOTE} characters or fewer"})
    instance = db.session.get(WorkflowInstance, alert.workflow_id)
    fire(instance, "acknowledge", user)
    alert.acknowledged_at = clock.now()
    alert.acknowledged_by_id = user.id
    alert.action_taken = note
