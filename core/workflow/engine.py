"""Starting workflows and firing transitions.

`fire()` checks, in order: the transition exists and may start from the current state; the
user holds its permission over the instance's agency or partnership; every guard agrees.
Only then does it change the state. The UPDATE carries the instance's version, so when two
people fire at once the second matches no row and is refused (TransitionRefused, kind
"conflict"); nothing of theirs is written. Neither function commits: the caller commits once,
together with its own changes (one transaction per write path).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from core.extensions import db
from core.identity.access import can, registry
from core.timeutil import utcnow
from core.workflow.machine import Transition, WorkflowDefinition
from core.workflow.models import TransitionLog, WorkflowInstance
from core.workflow.registry import get_definition
from core.workflow.sla import start_clocks, stop_clocks

START = "start"


class TransitionRefused(Exception):
    """A transition was not applied. `reason` is a sentence to show the user as it is;
    `kind` is "state", "permission", "guard" or "conflict" (views may map it to 409 etc.)."""

    def __init__(self, reason: str, kind: str = "guard") -> None:
        super().__init__(reason)
        self.reason = reason
        self.kind = kind


def start_workflow(definition_key: str, subject_type: str, subject_id: Any,
                   partnership_id: int, agency_id: int | None, team_id: int | None = None,
                   by: Any = None) -> WorkflowInstance:
    """Open an instance in the initial state, log who opened it and start its clocks."""
    definition = get_definition(definition_key)
    now = utcnow()
    instance = WorkflowInstance(
        workflow=definition.key, subject_type=subject_type, subject_id=str(subject_id),
        partnership_id=partnership_id, agency_id=agency_id, team_id=team_id,
        state=definition.initial, created_at=now, updated_at=now)
    db.session.add(instance)
    _log(instance, START, None, _user_id(by), None, now)
    start_clocks(instance, definition, now)
    db.session.flush()
    return instance


def fire(instance: WorkflowInstance, transition_key: str, user: Any,
         note: str | None = None) -> WorkflowInstance:
    """Apply a transition for `user`, or raise TransitionRefused having changed nothing."""
    definition = get_definition(instance.workflow)
    transition = _checked(definition, instance, transition_key, user)
    now, old = utcnow(), instance.state
    instance.state, instance.updated_at = transition.target, now
    _claim(instance, definition)
    for effect in transition.effects:
        effect(instance, user)
    _log(instance, transition.key, old, _user_id(user), note, now)
    if transition.target != old:  # a loop on the same state keeps its clocks running
        stop_clocks(instance, now)
        start_clocks(instance, definition, now)
    db.session.flush()
    _plugins().fire("qa_on_transition", instance=instance, transition=transition, user=user)
    return instance


def refusal_reason(instance: WorkflowInstance, transition_key: str, user: Any) -> str | None:
    """Why `user` may not fire the transition now, or None if they may (for buttons)."""
    try:
        _checked(get_definition(instance.workflow), instance, transition_key, user)
    except TransitionRefused as refused:
        return refused.reason
    return None


def allowed_transitions(instance: WorkflowInstance, user: Any) -> list[Transition]:
    """The transitions `user` may fire from the current state, in declaration order."""
    definition = get_definition(instance.workflow)
    return [t for t in definition.leaving(instance.state)
            if refusal_reason(instance, t.key, user) is None]


def instances_for(subject_type: str, subject_id: Any,
                  definition_key: str | None = None) -> list[WorkflowInstance]:
    """The workflow instances of one subject, oldest first."""
    query = select(WorkflowInstance).where(WorkflowInstance.subject_type == subject_type,
                                           WorkflowInstance.subject_id == str(subject_id))
    if definition_key:
        query = query.where(WorkflowInstance.workflow == definition_key)
    return list(db.session.scalars(query.order_by(WorkflowInstance.id)))


# --- checks ---------------------------------------------------------------------------------


def _checked(definition: WorkflowDefinition, instance: WorkflowInstance, key: str,
             user: Any) -> Transition:
    transition = definition.transition(key)
    if transition is None:
        raise TransitionRefused(f"{definition.label} has no step called '{key}'.", "state")
    if instance.state not in transition.source:
        state = definition.state(instance.state).label
        raise TransitionRefused(
            f"You cannot {_lower(transition.label)} now: it is {_lower(state)}.", "state")
    if user is None or not can(transition.permission, instance, user=user):
        raise TransitionRefused(_permission_message(transition), "permission")
    for guard in transition.guards:
        reason = guard(instance, user)
        if reason:
            raise TransitionRefused(reason, "guard")
    return transition


def _permission_message(transition: Transition) -> str:
    if transition.refusal:
        return transition.refusal
    needed = registry().permissions[transition.permission].description
    return (f"You do not have permission to {_lower(transition.label)} here: it needs "
            f"“{needed}” for this agency.")


def _claim(instance: WorkflowInstance, definition: WorkflowDefinition) -> None:
    """Write the new state now, guarded by the version: a concurrent change loses here."""
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise TransitionRefused(
            f"Someone else changed this {_lower(definition.label)} at the same time, so "
            "nothing was saved. Reload the page to see where it is now.", "conflict") from None


def _log(instance: WorkflowInstance, key: str, old: str | None, user_id: int | None,
         note: str | None, now: datetime) -> None:
    instance.log.append(TransitionLog(transition=key, from_state=old, to_state=instance.state,
                                      user_id=user_id, note=note, at=now))


def _user_id(user: Any) -> int | None:
    return getattr(user, "id", None) if user is not None else None


def _lower(text: str) -> str:
    """Lower-case the first letter for use mid-sentence, but leave "QA check" alone."""
    if text[1:2].isupper():
        return text
    return text[:1].lower() + text[1:]


def _plugins():
    return current_app.extensions["plugins"]
