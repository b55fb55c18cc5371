"""One return per agency per case: save a draft, submit, ask to reopen, reopen.

The page and the API both come through `save_return`, so the rules are the same: only the
agency's cleared auditor for the case, only while the audit is open, a submitted return is
changed only after the coordinator reopens it, and a stale save is refused (optimistic lock).
Submitting appends the grades to core's grade history. Nothing here commits.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from core.toolkit import (
    User,
    db,
    notify,
    record_access,
    record_grading,
    utcnow,
)
from plugins.multi_agency import notices
from plugins.multi_agency.answers import ReturnInput, check
from plugins.multi_agency.clock import london_date
from plugins.multi_agency.group import auditor_for, blocked_reason
from plugins.multi_agency.models import (
    ENDED,
    MultiAgencyAudit,
    MultiAgencyCase,
    MultiAgencyReturn,
)
from plugins.multi_agency.problems import Invalid, Refused, text
from plugins.multi_agency.programme import log, require_status
from plugins.multi_agency.toolset import AgencyTools, current_tools, tools_of

SUBJECT = "multi_agency.return"
MIN_REASON = 10


def return_of(audit_case: MultiAgencyCase, agency_id: int) -> MultiAgencyReturn | None:
    return db.session.scalar(select(MultiAgencyReturn).where(
        MultiAgencyReturn.audit_case_id == audit_case.id,
        MultiAgencyReturn.agency_id == agency_id))


def status_of(ret: MultiAgencyReturn | None) -> str:
    """not_started, draft, reopen_requested or submitted."""
    if ret is None:
        return "not_started"
    if ret.submitted and ret.reopen_requested_at is not None:
        return "reopen_requested"
    return ret.status


def _start(audit_case: MultiAgencyCase, agency_id: int, user: User,
           tools: AgencyTools) -> MultiAgencyReturn:
    """A new draft on `tools`, the current versions the save has just checked against."""
    ret = MultiAgencyReturn(
        audit_case_id=audit_case.id, audit_case=audit_case, agency_id=agency_id,
        status="draft", core_tool_version=tools.core.version,
        section_tool_key=tools.section.key if tools.section else None,
        section_tool_version=tools.section.version if tools.section else None,
        grades={}, answers={}, updated_by_id=user.id, updated_at=utcnow())
    db.session.add(ret)
    return ret


def editable_return(audit: MultiAgencyAudit, audit_case: MultiAgencyCase, agency_id: int,
                    user: Any) -> MultiAgencyReturn | None:
    """The return `user` may edit now (None when none is started yet); else `Refused`."""
    require_status(audit, "open")
    reason = blocked_reason(audit_case, agency_id, user)
    if reason:
        raise Refused(reason, "forbidden")
    ret = return_of(audit_case, agency_id)
    if ret is not None and ret.submitted:
        raise Refused("This return has been submitted. Ask the coordinator to reopen it "
                      "if it needs to change.")
    return ret


def save_return(audit: MultiAgencyAudit, audit_case: MultiAgencyCase, agency_id: int,
                user: User, data: ReturnInput, *, submit: bool = False,
                seen_version: int | None = None) -> tuple[MultiAgencyReturn, bool]:
    """Save the agency's return as a draft, or submit it. Returns (return, newly created).

    Raises `Refused` (not allowed now, or stale) or `Invalid` (a message per field).
    """
    ret = editable_return(audit, audit_case, agency_id, user)
    if ret is not None and seen_version is not None and seen_version != ret.version:
        raise Refused("Someone else saved this return since you opened it. Reload it and "
                      "make your changes again.", "stale")
    tools = tools_of(ret) if ret is not None else current_tools(
        audit.participant(agency_id).agency.type)
    checked, errors = check(data, tools, complete=submit)
    if errors:
        raise Invalid(errors)
    created = ret is None
    ret = ret or _start(audit_case, agency_id, user, tools)
    for name, value in checked.values.items():
        setattr(ret, name, value)
    ret.updated_by_id, ret.updated_at = user.id, utcnow()
    if submit:
        _submit(ret, checked.result, user)
    db.session.flush()
    return ret, created


def _submit(ret: MultiAgencyReturn, result: Any, user: User) -> None:
    ret.status, ret.submitted_at, ret.submitted_by_id = "submitted", utcnow(), user.id
    ret.reopen_reason = ret.reopen_requested_at = None
    db.session.flush()
    if not ret.no_involvement and result is not None:
        record_grading(SUBJECT, ret.id, "file_review", ret.grades, result, recorded_by=user,
                       belongs_to=ret)
    record_access("multi_agency_return_submitted", ret.audit_case.case, user=user,
                  detail=f"{ret.audit_case.audit.reference}; agency {ret.agency_id}"
                         + ("; no involvement" if ret.no_involvement else ""))


def request_reopen(ret: MultiAgencyReturn, user: User, reason: str | None) -> None:
    """The auditor asks the coordinator to reopen a submitted return, saying why."""
    audit = ret.audit_case.audit
    require_status(audit, "open")
    if blocked_reason(ret.audit_case, ret.agency_id, user):
        raise Refused("Only the auditor can ask to reopen a submitted return.", "forbidden")
    if not ret.submitted:
        raise Refused("Only a submitted return can be reopened; this one is still a draft.")
    if ret.reopen_requested_at is not None:
        raise Refused("The coordinator has already been asked to reopen this return.")
    errors: dict[str, str] = {}
    reason = text(reason, "reopen_reason", "why the return needs to change", 2000, errors)
    if reason and len(reason) < MIN_REASON:
        errors["reopen_reason"] = f"Explain why in at least {MIN_REASON} characters"
    if errors:
        raise Invalid(errors)
    ret.reopen_reason, ret.reopen_requested_at = reason, utcnow()
    notices.tell_reopen_requested(audit, ret.audit_case, ret.agency)


def reopen(ret: MultiAgencyReturn, by: User) -> None:
    """The coordinator reopens a submitted return as a draft for its auditor."""
    audit = ret.audit_case.audit
    require_status(audit, "open")
    if not ret.submitted:
        raise Refused("Only a submitted return can be reopened.")
    ret.status, ret.submitted_at = "draft", None
    ret.reopen_requested_at = None
    record_access("multi_agency_return_reopened", ret.audit_case.case, user=by,
                  detail=f"{audit.reference}; agency {ret.agency_id}")
    auditor = auditor_for(ret.audit_case, ret.agency_id)
    notify([auditor] if auditor else [], "multi_agency.reopened",
           f"{audit.reference}: your return for case {ret.audit_case.code} is reopened",
           "The coordinator reopened your return. Change it and submit it again.",
           link=f"/multi-agency/{audit.id}/cases/{ret.audit_case.code}/returns/{ret.agency_id}",
           partnership_id=audit.partnership_id)


def record_practitioner_feedback(ret: MultiAgencyReturn, on: date | None, today: date,
                                 by: User) -> None:
    """The auditor met the practitioner to give feedback on the audit and its grades
    (Hillingdon Appendix E, 7): any learning about their own practice then goes into their
    supervision. Recorded after submission, while the audit runs or its plan is tracked."""
    audit = ret.audit_case.audit
    if audit.status in ENDED:
        raise Refused("The audit is closed.")
    auditor = auditor_for(ret.audit_case, ret.agency_id)
    if auditor is None or auditor.id != by.id:
        raise Refused("Only the agency's auditor for the case records feedback to the "
                      "practitioner.", "forbidden")
    if not ret.submitted:
        raise Refused("Submit the return first: feedback to the practitioner follows it.")
    if on is None:
        raise Invalid({"feedback_on": "Enter the date you gave the practitioner feedback"})
    if on > today:
        raise Invalid({"feedback_on": "The date must be today or in the past"})
    if ret.submitted_at is not None and on < london_date(ret.submitted_at):
        raise Invalid({"feedback_on": "The date must be on or after the day the return was "
                                      "submitted"})
    ret.practitioner_feedback_on = on
    log(audit, "multi_agency_practitioner_feedback", by,
        f"case {ret.audit_case.code}; agency {ret.agency_id}")
