"""Disputing an audit's grades (Haringey 2.11), stage by stage, until a final grade stands.

The practitioner or the team manager writes a response to the grades they disagree with; the
informal meeting and its outcome come first, then the formal review by the QA team with the head
of service for QA or the PSW, then the head of service, exceptionally the assistant director.
Each step needs a written note, kept in the workflow's transition log: that log, with who and
when, is the trail. A resolution either upholds the grades or records new ones (appended to the
grade history at the "dispute" stage), which become the audit's grade.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import select

from core.toolkit import (
    GradingError,
    TransitionRefused,
    WorkflowInstance,
    can,
    db,
    fire,
    instances_for,
    record_access,
    record_grading,
    start_workflow,
)
from plugins.single_agency import audits as audit_service
from plugins.single_agency import clock, difference, grading, notices, people, reaudits
from plugins.single_agency.history import stage_grades
from plugins.single_agency.models import Audit, Dispute
from plugins.single_agency.workflow import DISPUTE, OPEN_DISPUTE_STATES

MIN_GROUNDS = 20
MIN_NOTE = 10
RESOLVE = {"informal_outcome": "resolve_informally", "formal_response": "resolve_formally",
           "hos_review": "resolve_at_hos", "ad_review": "resolve_at_ad"}
ESCALATE = {"informal_outcome": "go_formal", "formal_response": "escalate_to_hos",
            "hos_review": "escalate_to_ad"}
RECORD = {"informal_meeting": "hold_meeting", "formal_review": "review_formally"}
OUTCOMES = {"upheld": "The grades stand", "changed": "The grades change"}


class DisputeInvalid(ValueError):
    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(self.errors.values()))


def is_party(dispute: Dispute, user: Any) -> bool:
    return _party(dispute.audit, user) or user.id == dispute.raised_by_id


def _party(audit: Audit, user: Any) -> bool:
    managers = {u.id for u in people.team_managers(audit.team_id)}
    return user.id == audit.practitioner_id or user.id in managers


def open_dispute(audit: Audit) -> Dispute | None:
    return db.session.scalar(select(Dispute).where(
        Dispute.audit_id == audit.id, Dispute.state.in_(OPEN_DISPUTE_STATES)))


def refusal_to_raise(audit: Audit, user: Any) -> str | None:
    if audit.state != "accepted":
        return "An audit can be disputed once the QA team has accepted it."
    if not can("single_agency.dispute", audit, user=user) or not _party(audit, user):
        return "Only the practitioner or a manager of the team can dispute this audit."
    if open_dispute(audit) is not None:
        return "This audit already has a dispute in progress."
    return None


def raise_dispute(audit: Audit, user: Any, grounds: str) -> Dispute:
    refusal = refusal_to_raise(audit, user)
    if refusal:
        raise DisputeInvalid({"grounds": refusal})
    text = (grounds or "").strip()
    if len(text) < MIN_GROUNDS:
        raise DisputeInvalid({"grounds": "Write which grades you disagree with and why, using "
                                         f"the grading criteria (at least {MIN_GROUNDS} "
                                         "characters)"})
    dispute = Dispute(audit_id=audit.id, partnership_id=audit.partnership_id,
                      agency_id=audit.agency_id, team_id=audit.team_id, raised_by_id=user.id,
                      raised_at=clock.now(), grounds=text, audit=audit, raised_by=user)
    db.session.add(dispute)
    db.session.flush()
    start_workflow(DISPUTE, DISPUTE, dispute.id, audit.partnership_id, audit.agency_id,
                   audit.team_id, by=user)
    record_access("audit_disputed", audit.case, user, detail=audit.reference)
    notices.dispute_moved(dispute, "has been raised: the informal meeting is due within "
                                   "5 working days")
    return dispute


def instance_of(dispute: Dispute) -> WorkflowInstance:
    return instances_for(DISPUTE, dispute.id, DISPUTE)[-1]


def _note(note: str | None, what: str) -> str:
    text = (note or "").strip()
    if len(text) < MIN_NOTE:
        raise DisputeInvalid({"note": f"Write {what} (at least {MIN_NOTE} characters)"})
    return text


def _fire(dispute: Dispute, key: str, user: Any, note: str) -> None:
    try:
        instance = fire(instance_of(dispute), key, user, note=note)
    except TransitionRefused as refused:
        raise DisputeInvalid({"note": refused.reason}) from None
    dispute.state = instance.state


def record_step(dispute: Dispute, user: Any, note: str, meeting_on: date | None = None) -> None:
    """The informal meeting was held, or the formal review took place."""
    key = RECORD.get(dispute.state)
    if key is None:
        raise DisputeInvalid({"note": "There is no meeting or review to record at this stage."})
    if key == "hold_meeting" and meeting_on is None:
        raise DisputeInvalid({"meeting": "Enter the date of the meeting"})
    text = _note(note, "a summary of the discussion")
    _fire(dispute, key, user, text)
    if meeting_on is not None:
        dispute.meeting_on = meeting_on
    notices.dispute_moved(dispute, "moved on: " + _next_step(dispute.state))


def escalate(dispute: Dispute, user: Any, note: str) -> None:
    key = ESCALATE.get(dispute.state)
    if key is None:
        raise DisputeInvalid({"note": "The dispute cannot be escalated from this stage."})
    _fire(dispute, key, user, _note(note, "why the dispute is not resolved"))
    extra = []
    if dispute.state in ("hos_review", "ad_review"):
        role = "head_of_service" if dispute.state == "hos_review" else "assistant_director"
        extra = people.on_the_line(dispute.partnership_id, dispute.agency_id, dispute.team_id,
                                   role)
    notices.dispute_moved(dispute, "has been escalated: " + _next_step(dispute.state), extra)


def withdraw(dispute: Dispute, user: Any, note: str) -> None:
    _fire(dispute, "withdraw", user, _note(note, "why the dispute is withdrawn"))
    dispute.outcome, dispute.resolved_at = "withdrawn", clock.now()
    notices.dispute_moved(dispute, "has been withdrawn")


def resolve(dispute: Dispute, user: Any, note: str, outcome: str,
            form: Mapping[str, str] | None = None) -> None:
    """Record the outcome: the grades stand, or the new grades with the note as the reason."""
    key = RESOLVE.get(dispute.state)
    if key is None:
        raise DisputeInvalid({"note": "The dispute cannot be resolved at this stage."})
    if outcome not in OUTCOMES:
        raise DisputeInvalid({"outcome": "Select whether the grades stand or change"})
    text = _note(note, "the outcome and the reasons for it")
    audit = dispute.audit
    grades, result = _new_grades(audit, form or {}, text) if outcome == "changed" else ({}, None)
    _fire(dispute, key, user, text)
    if result is not None:
        record_grading(grading.SUBJECT, audit.id, "dispute", grades, result, recorded_by=user,
                       belongs_to=audit)
        audit.final_grade, audit.final_stage = result.grade.value, "dispute"
    dispute.outcome, dispute.final_grade = outcome, audit.final_grade
    dispute.resolved_at = clock.now()
    db.session.flush()
    reaudits.settle(audit)
    difference.sync(audit)
    notices.dispute_moved(dispute, f"has been resolved: {OUTCOMES[outcome].lower()}")


def _new_grades(audit: Audit, form: Mapping[str, str], reason: str) -> tuple[dict, Any]:
    tool = audit_service.tool_of(audit)
    current, _ = stage_grades(audit)
    errors: dict[str, str] = {}
    grades = {}
    for domain in tool.domains:
        value = (form.get(f"{domain.code}-grade") or current.get(domain.code) or "").strip()
        if value not in grading.GRADE_VALUES and not (
                value == "not_applicable" and domain.allow_not_applicable):
            errors[f"{domain.code}-grade"] = f"{domain.title}: select the grade"
        grades[domain.code] = value
    choice = (form.get("overall-choice") or "").strip()
    if choice not in grading.GRADE_VALUES:
        errors["overall-choice"] = "Select the final overall grade"
    if errors:
        raise DisputeInvalid(errors)
    try:
        return grades, grading.overall(tool, grades, choice, reason)
    except GradingError as exc:
        raise DisputeInvalid({"overall-choice": exc.message}) from None


def _next_step(state: str) -> str:
    return {
        "informal_outcome": "the outcome is due within 2 working days",
        "formal_review": "the QA team reviews it with the head of service for QA or the PSW "
                         "within 5 working days",
        "formal_response": "a written response is due within 5 working days",
        "hos_review": "the head of service responds within 5 working days",
        "ad_review": "the assistant director will decide",
    }.get(state, "")
