"""An observation's workflow: scheduled → written feedback due → waiting for the
practitioner's reflection → complete (or cancelled before it happens).

The written-feedback clock runs on core's SLA machinery: due at the end of the tenth working
day after the observation ("written feedback within two weeks", Hillingdon App. B), the
observer reminded three working days before, the head of service told one working day after.
The practitioner has ten working days to add their reflection, with a reminder. The state is
mirrored on `Observation.state` by the service (`observations.py`).
"""

from __future__ import annotations

from datetime import datetime
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
from plugins.practice_week import clock
from plugins.practice_week.models import Observation
from plugins.practice_week.permissions import OBSERVE, PLAN, REFLECT

KEY = "practice_week.observation"
SUBJECT = "practice_week.observation"


def observation_of(instance: Any) -> Observation:
    return db.session.get(Observation, int(instance.subject_id))


def _observer(instance: Any) -> list[int]:
    return [observation_of(instance).observer_id]


def _practitioner(instance: Any) -> list[int]:
    return [observation_of(instance).practitioner_id]


def _feedback_due(instance: Any, started_at: datetime) -> datetime:
    obs = observation_of(instance)
    return clock.feedback_due(obs.observed_on or clock.london(started_at).date())


def is_observer(instance: Any, user: Any) -> str | None:
    if observation_of(instance).observer_id != user.id:
        return "Only the person observing can write the observation record."
    return None


def is_practitioner(instance: Any, user: Any) -> str | None:
    if observation_of(instance).practitioner_id != user.id:
        return "Only the practitioner who was observed can add their reflection."
    return None


def record_complete(instance: Any, user: Any) -> str | None:
    from plugins.practice_week.observations import missing_parts

    missing = missing_parts(observation_of(instance))
    return f"The observation record is not finished: {missing[0]}" if missing else None


FEEDBACK = SlaRule("written_feedback", "Written feedback on an observation of practice",
                   due=_feedback_due, remind_before=Delay(working_days=3), owners=_observer,
                   escalate_after=(EscalationStep("head_of_service",
                                                  Delay(working_days=1)),))
REFLECTION = SlaRule("reflection", "The practitioner's reflection on an observation",
                     working_days=10, remind_before=Delay(working_days=3),
                     owners=_practitioner)

OBSERVATION_WORKFLOW = WorkflowDefinition(
    key=KEY, label="Observation of practice", initial="scheduled",
    states=(
        State("scheduled", "Scheduled"),
        State("feedback_due", "Written feedback due", sla=(FEEDBACK,)),
        State("reflection_due", "Waiting for the practitioner's reflection", sla=(REFLECTION,)),
        State("complete", "Complete", terminal=True),
        State("cancelled", "Cancelled", terminal=True),
    ),
    transitions=(
        Transition("observe", "Record the observation", ("scheduled",), "feedback_due",
                   OBSERVE, guards=(is_observer,)),
        Transition("share", "Send the written feedback", ("feedback_due",), "reflection_due",
                   OBSERVE, guards=(is_observer, record_complete)),
        Transition("reflect", "Add your reflection", ("reflection_due",), "complete",
                   REFLECT, guards=(is_practitioner,)),
        Transition("cancel", "Cancel the observation", ("scheduled",), "cancelled", PLAN,
                   refusal="Only the QA team can cancel an observation."),
    ),
    reference=lambda instance: observation_of(instance).reference,
    link=lambda instance: f"/practice_week/observations/{instance.subject_id}",
)
