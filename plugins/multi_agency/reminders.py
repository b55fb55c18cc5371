"""Chasing, so the coordinator need not: a daily job tells each auditor whose returns are not
in, once when the submission deadline is near and once when it has passed, and tells the
coordinators once, after the deadline, what is still missing per agency. After the report it
tells the sub-committee when a review of the action plan it set is due, and when the tracking
period has ended with the plan still open (the audit closes, and its retention clock starts,
only when the plan is closed).

"Near" is DUE_SOON_DAYS working days (England and Wales bank holidays) before the deadline.
Each message is sent at most once per person and audit (`already_told`), so the job can run
again the same day, or a day late, without telling anyone twice.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import select

from core.toolkit import User, already_told, db, notify, working_days_between
from plugins.multi_agency.clock import london_today
from plugins.multi_agency.deadlines import gov_date
from plugins.multi_agency.group import auditor_for
from plugins.multi_agency.models import MultiAgencyAudit
from plugins.multi_agency.notices import coordinators, sub_committee
from plugins.multi_agency.returns import return_of
from plugins.multi_agency.tracking import reviews_of, tracking_until
from plugins.multi_agency.visibility import conflicted

DUE_SOON_DAYS = 3
DUE_SOON, OVERDUE, MISSING = ("multi_agency.returns_due_soon", "multi_agency.returns_overdue",
                              "multi_agency.returns_missing")
REVIEW_DUE, TRACKING_ENDED = "multi_agency.review_due", "multi_agency.tracking_ended"


def owing(audit: MultiAgencyAudit) -> dict[User, list[tuple[str, str]]]:
    """Auditor → (case code, agency name) of each return of theirs not yet submitted. A lead
    conflicted on a case owes nothing on it (their agency's lead was told to name another)."""
    found: dict[User, list[tuple[str, str]]] = defaultdict(list)
    for selected in audit.cases:
        for participant in audit.participants:
            auditor = auditor_for(selected, participant.agency_id)
            ret = return_of(selected, participant.agency_id)
            if auditor is None or (ret is not None and ret.submitted) or \
                    conflicted(selected, auditor):
                continue
            found[auditor].append((selected.code, participant.agency.name))
    return found


def send_reminders(today: date | None = None) -> dict[str, int]:
    """Tell whoever is due a reminder today; returns how many people were told of each."""
    today = today or london_today()
    told = {DUE_SOON: 0, OVERDUE: 0, MISSING: 0, REVIEW_DUE: 0, TRACKING_ENDED: 0}
    audits = db.session.scalars(select(MultiAgencyAudit).where(
        MultiAgencyAudit.status == "open", MultiAgencyAudit.submission_deadline.is_not(None)))
    for audit in audits:
        deadline = audit.submission_deadline
        if today > deadline:
            event = OVERDUE
        elif working_days_between(today, deadline) <= DUE_SOON_DAYS:
            event = DUE_SOON
        else:
            continue
        missing = owing(audit)
        for auditor, items in missing.items():
            told[event] += _tell_auditor(audit, auditor, items, event)
        if event == OVERDUE and missing:
            told[MISSING] += _tell_coordinators(audit, missing)
    reported = db.session.scalars(select(MultiAgencyAudit).where(
        MultiAgencyAudit.status == "reported"))
    for audit in reported:
        told[REVIEW_DUE] += _review_due(audit, today)
        told[TRACKING_ENDED] += _tracking_ended(audit, today)
    return told


def _tell_once(people: list[User], event: str, subject: str, body: str, link: str,
               audit: MultiAgencyAudit) -> int:
    unique = {u.id: u for u in people}.values()
    fresh = [u for u in unique if not already_told(u, event, link)]
    notify(fresh, event, subject, body, link=link, partnership_id=audit.partnership_id)
    return len(fresh)


def _review_due(audit: MultiAgencyAudit, today: date) -> int:
    """The last review set a next date, and it has come with no review since."""
    reviews = reviews_of(audit)
    due = reviews[-1].next_review_on if reviews else None
    if due is None or today < due:
        return 0
    return _tell_once(sub_committee(audit), REVIEW_DUE,
                      f"{audit.reference}: action plan review due {gov_date(due)}",
                      f"The sub-committee set {gov_date(due)} for its next review of the action "
                      f"plan for '{audit.title}'. Record the review (RAG status and evidence of "
                      f"impact) on the action plan page.",
                      f"/multi-agency/{audit.id}/actions?review={due.isoformat()}", audit)


def _tracking_ended(audit: MultiAgencyAudit, today: date) -> int:
    until = tracking_until(audit)
    if until is None or today <= until:
        return 0
    return _tell_once([*coordinators(audit), *sub_committee(audit)], TRACKING_ENDED,
                      f"{audit.reference}: action plan tracking period ended",
                      f"The {audit.tracking_months} months of tracking for '{audit.title}' "
                      f"ended on {gov_date(until)} and its action plan is still open. Close "
                      f"the plan when the actions are done: the audit then closes.",
                      f"/multi-agency/{audit.id}/actions", audit)


def _tell_auditor(audit: MultiAgencyAudit, auditor: User, items: list[tuple[str, str]],
                  event: str) -> int:
    codes = ", ".join(code for code, _ in items)
    when = gov_date(audit.submission_deadline)
    if event == DUE_SOON:
        subject = f"{audit.reference}: {len(items)} return(s) due by {when}"
        body = f"Returns for '{audit.title}' are due by {when}. Still to submit: {codes}."
    else:
        subject = f"{audit.reference}: {len(items)} return(s) past the deadline"
        body = (f"The deadline for '{audit.title}' was {when}. Still to submit: {codes}. "
                f"Submit them, or tell the coordinator why they are late.")
    return _tell_once([auditor], event, subject, body, f"/multi-agency/{audit.id}", audit)


def _tell_coordinators(audit: MultiAgencyAudit, missing: dict[User, list]) -> int:
    by_agency: dict[str, int] = defaultdict(int)
    for items in missing.values():
        for _code, agency in items:
            by_agency[agency] += 1
    summary = "; ".join(f"{agency}: {count}" for agency, count in sorted(by_agency.items()))
    return _tell_once(coordinators(audit), MISSING,
                      f"{audit.reference}: returns missing after the deadline",
                      f"Returns not submitted by {gov_date(audit.submission_deadline)}: "
                      f"{summary}.", f"/multi-agency/{audit.id}/progress", audit)


def reminders_job() -> dict[str, int]:
    """Scheduled daily (08:00 London). The job runner commits what it sent with the job's
    "finished" mark, so a run overtaken by a retry tells nobody."""
    return send_reminders()
