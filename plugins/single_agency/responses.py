"""Sharing an accepted audit and closing the loop with the team (Haringey 2.8-2.9; Havering).

On acceptance the report goes to the practitioner, the team's managers and, when they took part
in the conversation, the council's IROs / child protection chairs. An inadequate audit, or a
re-audit graded no better than the audit before it, also goes to the service manager and head
of service. The team manager and practitioner then record their discussion and the actions they
agreed: within 5 working days of an inadequate grade, 10 otherwise (the `single_agency.response`
workflow chases it, then tells the service manager). With the council's Havering option an
inadequate audit also needs the head of service's review within 24 hours and, within 3 working
days, a decision on whether a multi-disciplinary action meeting is needed
(`single_agency.hos_review`; late: the assistant director).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from core.toolkit import (
    TransitionRefused,
    add_working_days,
    db,
    fire,
    instances_for,
    record_access,
    start_workflow,
)
from plugins.single_agency import clock, grading, notices, people
from plugins.single_agency.audits import read_date
from plugins.single_agency.models import Audit, AuditResponse
from plugins.single_agency.workflow import HOS_REVIEW, RESPONSE

INADEQUATE_DAYS, OTHER_DAYS, DECISION_DAYS = 5, 10, 3
MIN_TEXT = 10


class ResponseInvalid(ValueError):
    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(self.errors.values()))


def response_of(audit: Audit) -> AuditResponse | None:
    return db.session.scalar(select(AuditResponse).where(AuditResponse.audit_id == audit.id))


def _no_better_reaudit(audit: Audit) -> bool:
    previous = audit.previous
    return (audit.kind == "re_audit" and previous is not None
            and grading.at_least_as_good(previous.final_grade, audit.final_grade))


def recipients(audit: Audit) -> list[Any]:
    """Who the accepted report goes to (Haringey 2.8)."""
    told = {u.id: u for u in people.team_managers(audit.team_id)}
    if audit.practitioner is not None:
        told[audit.practitioner.id] = audit.practitioner
    if "iro" in (audit.conversation_with or []):
        told |= {u.id: u for u in people.holders(audit.agency_id, ("iro",))}
    if audit.final_grade == "inadequate" or _no_better_reaudit(audit):
        for role in ("service_manager", "head_of_service"):
            told |= {u.id: u for u in people.on_the_line(
                audit.partnership_id, audit.agency_id, audit.team_id, role)}
    told.pop(audit.auditor_id, None)
    return [told[k] for k in sorted(told)]


def share(audit: Audit, programme: Any, user: Any) -> AuditResponse:
    """At acceptance: send the report and start the team's response clock (once per audit)."""
    existing = response_of(audit)
    if existing is not None:
        return existing
    accepted_on = clock.today()
    inadequate = audit.final_grade == "inadequate"
    told = recipients(audit)
    hos = bool(programme is not None and programme.hos_review_inadequate and inadequate)
    response = AuditResponse(
        audit_id=audit.id, partnership_id=audit.partnership_id, agency_id=audit.agency_id,
        team_id=audit.team_id, grade=audit.final_grade, shared_at=clock.now(),
        shared_with=[u.id for u in told],
        due_on=add_working_days(accepted_on, INADEQUATE_DAYS if inadequate else OTHER_DAYS),
        hos_review=hos,
        hos_decision_due_on=add_working_days(accepted_on, DECISION_DAYS) if hos else None)
    db.session.add(response)
    db.session.flush()
    start_workflow(RESPONSE, RESPONSE, response.id, audit.partnership_id, audit.agency_id,
                   audit.team_id, by=user)
    notices.report_shared(audit, told, response.due_on)
    if hos:
        start_workflow(HOS_REVIEW, HOS_REVIEW, response.id, audit.partnership_id,
                       audit.agency_id, audit.team_id, by=user)
        notices.hos_review_needed(audit, people.on_the_line(
            audit.partnership_id, audit.agency_id, audit.team_id, "head_of_service"))
    return response


def is_party(audit: Audit, user: Any) -> bool:
    """The practitioner and the team's managers own the response."""
    managers = {u.id for u in people.team_managers(audit.team_id)}
    return user.id == audit.practitioner_id or user.id in managers


def _instance(workflow: str, response: AuditResponse) -> Any:
    return instances_for(workflow, response.id, workflow)[-1]


def _fire(workflow: str, response: AuditResponse, key: str, user: Any, note: str,
          field: str) -> None:
    try:
        fire(_instance(workflow, response), key, user, note=note)
    except TransitionRefused as refused:
        raise ResponseInvalid({field: refused.reason}) from None


def _text(form: Mapping[str, str], name: str, errors: dict[str, str], what: str) -> str:
    value = (form.get(name) or "").strip()
    if len(value) < MIN_TEXT:
        errors[name] = f"Write {what} (at least {MIN_TEXT} characters)"
    return value


def record_response(response: AuditResponse, form: Mapping[str, str], user: Any) -> None:
    """The team manager or practitioner records the discussion and the agreed actions."""
    if str(form.get("version")) != str(response.version):
        raise ResponseInvalid({"discussion": "Someone else saved this response since you "
                                             "opened the page. Check it and save again."})
    if response.state != "awaiting":
        raise ResponseInvalid({"discussion": "The response has already been recorded."})
    if not is_party(response.audit, user):
        raise ResponseInvalid({"discussion": "Only the practitioner or a manager of the team "
                                             "can record the response."})
    errors: dict[str, str] = {}
    held = read_date(form, "discussed", errors, "the discussion", required=True)
    discussion = _text(form, "discussion", errors, "what you discussed")
    agreed = _text(form, "agreed", errors, "the actions you agreed and who will do them")
    if errors:
        raise ResponseInvalid(errors)
    _fire(RESPONSE, response, "record", user, discussion, "discussion")
    response.state, response.discussed_on = "recorded", held
    response.discussion, response.agreed = discussion, agreed
    response.recorded_at, response.recorded_by_id = clock.now(), user.id
    db.session.flush()
    record_access("audit_response_recorded", response.audit.case, user,
                  detail=response.audit.reference)
    notices.response_recorded(response.audit)


def record_hos_review(response: AuditResponse, form: Mapping[str, str], user: Any) -> None:
    """The head of service's review, and (now or later) the decision on a meeting."""
    if str(form.get("version")) != str(response.version):
        raise ResponseInvalid({"hos_notes": "Someone else saved this review since you opened "
                                            "the page. Check it and save again."})
    if not response.hos_review or response.meeting_decided_at is not None:
        raise ResponseInvalid({"hos_notes": "There is no head of service review to record."})
    errors: dict[str, str] = {}
    decision = form.get("meeting_needed", "")
    if decision not in ("", "yes", "no"):
        errors["meeting_needed"] = "Select whether an action meeting is needed"
    notes = response.hos_notes
    if response.hos_reviewed_at is None:
        notes = _text(form, "hos_notes", errors, "your review of the case")
    elif not decision:
        errors["meeting_needed"] = "Select whether an action meeting is needed"
    if errors:
        raise ResponseInvalid(errors)
    if response.hos_reviewed_at is None:
        _fire(HOS_REVIEW, response, "review", user, notes, "hos_notes")
        response.hos_notes = notes
        response.hos_reviewed_at, response.hos_reviewed_by_id = clock.now(), user.id
    if decision:
        _fire(HOS_REVIEW, response, "decide", user,
              "Action meeting needed" if decision == "yes" else "No action meeting needed",
              "meeting_needed")
        response.meeting_needed, response.meeting_decided_at = decision == "yes", clock.now()
    db.session.flush()
