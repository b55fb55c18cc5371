"""The disclosure alert's workflow: raised → acknowledged, the same working day.

The clock is core's: due at the end of the working day the alert is raised (or of the next
working day when it arrives at a weekend or on a bank holiday), urgent, so every escalation is
emailed at once. Not acknowledged by then, it goes to the service manager; a working day
later to the head of service; a day after that to the assistant director.
"""

from __future__ import annotations

from typing import Any

from core.toolkit import (
    Delay,
    EscalationStep,
    SlaRule,
    State,
    Transition,
    WorkflowDefinition,
    db,
)

KEY = "feedback.disclosure"
SUBJECT = "feedback.alert"

ACKNOWLEDGE_TODAY = SlaRule(
    "acknowledge", "Acknowledge the safeguarding alert from feedback", working_days=0,
    urgent=True,
    escalate_after=(EscalationStep("service_manager", Delay(hours=0)),
                    EscalationStep("head_of_service", Delay(working_days=1)),
                    EscalationStep("assistant_director", Delay(working_days=2))),
)


def _alert(instance: Any):
    from plugins.feedback.models import DisclosureAlert

    return db.session.get(DisclosureAlert, instance.subject_id)


def reference(instance: Any) -> str:
    alert = _alert(instance)
    return f"feedback for {alert.case.code}" if alert else "feedback"


def link(instance: Any) -> str:
    return f"/feedback/alerts/{instance.subject_id}"


DISCLOSURE = WorkflowDefinition(
    KEY,
    states=(State("raised", "Waiting for acknowledgement", sla=(ACKNOWLEDGE_TODAY,)),
            State("acknowledged", "Acknowledged", terminal=True)),
    transitions=(Transition("acknowledge", "Acknowledge the alert", ("raised",), "acknowledged",
                            "feedback.acknowledge",
                            refusal="Only managers on the case's line and the QA manager "
                                    "can acknowledge a safeguarding alert."),),
    initial="raised",
    label="Safeguarding alert from feedback",
    reference=reference,
    link=link,
)
