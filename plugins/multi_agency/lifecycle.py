"""Moving an audit through its stages: planning → auditing → consultation → reported → closed.

Each move checks what the stage needs, changes the status under the audit's optimistic lock
(a second person moving it at the same moment is refused) and logs it. Closing follows the
action plan: when the sub-committee closes the plan, the audit closes, every auditor's case
assignment ends, and the cases' retention clocks start (core destroys them after the
partnership's retention period, default 3 years).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import func, select

from core.toolkit import ActionPlan, User, db, notify, record_access, utcnow
from plugins.multi_agency.clock import london_date
from plugins.multi_agency.group import close_all_assignments, sync_assignments
from plugins.multi_agency.models import (
    ATTENDEES,
    ENDED,
    MultiAgencyAudit,
    MultiAgencyCase,
    MultiAgencyReturn,
)
from plugins.multi_agency.problems import Invalid, Refused
from plugins.multi_agency.programme import TIMETABLE, log, require_status


def opening_problems(audit: MultiAgencyAudit) -> list[str]:
    """What still stops auditing from starting (empty when it may start)."""
    problems = []
    if len(audit.participants) < 2:
        problems.append("Add at least two agencies to the audit group.")
    missing = [p.agency.name for p in audit.participants if p.lead_auditor_id is None]
    if missing:
        problems.append("Nominate a lead auditor for " + ", ".join(missing) + ".")
    if not audit.cases_min <= len(audit.cases) <= audit.cases_max:
        problems.append(f"Select {audit.cases_min} to {audit.cases_max} cases "
                        f"({len(audit.cases)} selected).")
    if any(getattr(audit, field) is None for field, _ in TIMETABLE):
        problems.append("Complete the timetable.")
    return problems


def open_audit(audit: MultiAgencyAudit, by: User) -> None:
    """Start auditing: cleared auditors get their case assignments and are told."""
    require_status(audit, "planning")
    problems = opening_problems(audit)
    if problems:
        raise Refused(" ".join(problems))
    audit.status, audit.opened_at = "open", utcnow()
    sync_assignments(audit, by)
    auditors = [p.lead_auditor for p in audit.participants if p.lead_auditor]
    notify(auditors, "multi_agency.opened", f"{audit.reference}: multi-agency audit open",
           f"Auditing of '{audit.title}' has started. Declare any casework involvement "
           f"with each case, then submit your agency's returns.",
           link=f"/multi-agency/{audit.id}", partnership_id=audit.partnership_id)
    log(audit, "multi_agency_opened", by)


def unsubmitted_returns(audit: MultiAgencyAudit) -> list[tuple[str, int]]:
    """(agency name, returns not yet submitted) for each agency still owing some, so the
    coordinator sees what is missing before recording the meeting (which freezes returns).
    Every agency owes one return per selected case; a return awaiting reopening counts as
    submitted."""
    query = (select(MultiAgencyReturn.agency_id, func.count(MultiAgencyReturn.id))
             .join(MultiAgencyCase, MultiAgencyCase.id == MultiAgencyReturn.audit_case_id)
             .where(MultiAgencyCase.audit_id == audit.id,
                    MultiAgencyReturn.status == "submitted")
             .group_by(MultiAgencyReturn.agency_id))
    submitted: dict[int, int] = dict(db.session.execute(query).all())
    owing = [(p.agency.name, len(audit.cases) - submitted.get(p.agency_id, 0))
             for p in audit.participants]
    return [(name, count) for name, count in owing if count > 0]


def record_consultation(audit: MultiAgencyAudit, held_on: date | None, today: date,
                        by: User, attendees: Sequence[str] = ()) -> None:
    """The consultation meeting was held (with whom, from ATTENDEES): returns are closed to
    changes and every agency in the audit may now read the others' returns."""
    require_status(audit, "open")
    errors = _meeting_errors(audit, held_on, today)
    if any(key not in ATTENDEES for key in attendees):
        errors["attendees"] = "Select who attended from the list"
    if errors:
        raise Invalid(errors)
    audit.status, audit.consultation_held_on = "consultation", held_on
    audit.consultation_attendees = [key for key in ATTENDEES if key in attendees]
    audit.consultation_recorded_at = utcnow()
    log(audit, "multi_agency_consultation_held", by, f"held {held_on.isoformat()}")


def _meeting_errors(audit: MultiAgencyAudit, held_on: date | None, today: date) -> dict:
    if held_on is None:
        return {"held_on": "Enter the date the consultation meeting was held"}
    if held_on > today:
        return {"held_on": "The meeting date must be today or in the past"}
    if audit.opened_at is not None and held_on < london_date(audit.opened_at):
        return {"held_on": "The meeting date must be after auditing started"}
    return {}


def close_audit(audit: MultiAgencyAudit, by: Any = None) -> None:
    """Close the audit: assignments end and each case's retention clock starts."""
    require_status(audit, "reported")
    now = utcnow()
    audit.status, audit.closed_at = "closed", now
    close_all_assignments(audit, by)
    still_used = _in_running_audits(audit)
    for audit_case in audit.cases:
        case = audit_case.case
        if case.id in still_used:
            continue  # its clock starts when the last audit using it closes
        if case.closed_at is None and case.destroyed_at is None:
            case.closed_at = now
            record_access("case_closed", case, user=by,
                          detail=f"multi_agency {audit.reference} closed")
    log(audit, "multi_agency_closed", by)


def _in_running_audits(audit: MultiAgencyAudit) -> set[str]:
    """Ids of this audit's cases that another multi-agency audit, not yet closed, still uses
    (a re-audit of a theme often takes the baseline's cases)."""
    ids = [c.case_id for c in audit.cases]
    query = (select(MultiAgencyCase.case_id).join(MultiAgencyAudit)
             .where(MultiAgencyCase.case_id.in_(ids), MultiAgencyAudit.id != audit.id,
                    MultiAgencyAudit.status.not_in(ENDED)))
    return set(db.session.scalars(query))


def close_finished(by: Any = None) -> list[str]:
    """Close every reported audit whose action plan has been closed; returns references."""
    query = (select(MultiAgencyAudit).join(ActionPlan, ActionPlan.id ==
                                           MultiAgencyAudit.action_plan_id)
             .where(MultiAgencyAudit.status == "reported", ActionPlan.status == "closed"))
    closed = []
    for audit in db.session.scalars(query).all():
        close_audit(audit, by)
        closed.append(audit.reference)
    return closed


def close_finished_job() -> dict:
    """Scheduled daily: audits whose plan the sub-committee closed are closed (idempotent)."""
    return {"closed": close_finished()}
