"""Planning an audit: its theme, terms of reference, cohort, size, timetable and owner.

Nothing here commits; the caller owns the transaction. Each function checks every field and
raises `Invalid` with a message per field, so a page and the tests read the same messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import IO, Any, Protocol

from sqlalchemy import func, select

from core.toolkit import (
    Document,
    DocumentRefused,
    DocumentTooLarge,
    Partnership,
    User,
    add_working_days,
    append_access_log,
    db,
    is_working_day,
    remove_document,
    store_document,
    utcnow,
)
from plugins.multi_agency.deadlines import gov_date
from plugins.multi_agency.models import (
    ENDED,
    MultiAgencyAudit,
    MultiAgencyBriefing,
    MultiAgencyCheckpoint,
)
from plugins.multi_agency.problems import Invalid, Refused, text


class Upload(Protocol):
    """A file as a form sends it (werkzeug's FileStorage)."""

    filename: str
    stream: IO[bytes]


BASELINE_CASES = (8, 10)  # Hillingdon App. E: "an eight to ten case audit"
MAX_CASES = 30
TRACKING_MONTHS = (6, 12)
TIMETABLE = (
    ("pre_meeting_on", "the pre-meeting"),
    ("submission_deadline", "the submission deadline"),
    ("consultation_on", "the consultation meeting"),
    ("report_due_on", "the report date"),
)


@dataclass
class Programme:
    """What the coordinator plans; dates are London dates."""

    title: str | None = None
    theme: str | None = None
    terms_of_reference: str | None = None
    cohort: str | None = None
    cases_min: int | None = BASELINE_CASES[0]
    cases_max: int | None = BASELINE_CASES[1]
    is_baseline: bool = False
    sub_committee: str | None = None
    pre_meeting_on: date | None = None
    submission_deadline: date | None = None
    consultation_on: date | None = None
    report_due_on: date | None = None
    tracking_months: int | None = TRACKING_MONTHS[1]


def suggested(today: date) -> Programme:
    """A first timetable in working days from today, for the coordinator to adjust."""
    return Programme(pre_meeting_on=add_working_days(today, 10),
                     submission_deadline=add_working_days(today, 30),
                     consultation_on=add_working_days(today, 40),
                     report_due_on=add_working_days(today, 55))


def theme_key(theme: str) -> str:
    """Audits of the same theme are compared however the theme was capitalised or spaced."""
    return " ".join(theme.lower().split())


def _check_text(p: Programme, errors: dict[str, str]) -> dict[str, Any]:
    return {
        "title": text(p.title, "title", "the audit's title", 200, errors, line=True),
        "theme": text(p.theme, "theme", "the theme from the board's work plan", 200, errors,
                      line=True),
        "terms_of_reference": text(p.terms_of_reference, "terms_of_reference",
                                   "the terms of reference", 10000, errors),
        "cohort": text(p.cohort, "cohort", "the cohort, such as children on child protection "
                                           "plans", 200, errors, line=True),
        "sub_committee": text(p.sub_committee, "sub_committee",
                              "the sub-committee that owns the audit", 200, errors, line=True),
    }


def _check_numbers(p: Programme, errors: dict[str, str]) -> None:
    for field, value in (("cases_min", p.cases_min), ("cases_max", p.cases_max)):
        if value is None or not 1 <= value <= MAX_CASES:
            errors[field] = f"Enter a number of cases from 1 to {MAX_CASES}"
    if not errors.get("cases_min") and not errors.get("cases_max") and \
            p.cases_min > p.cases_max:
        errors["cases_max"] = "The most cases must be at least the fewest cases"
    low, high = TRACKING_MONTHS
    if p.tracking_months is None or not low <= p.tracking_months <= high:
        errors["tracking_months"] = f"Enter how many months to track the plan, {low} to {high}"


def _check_timetable(p: Programme, errors: dict[str, str]) -> None:
    previous: tuple[str, date] | None = None
    for field, label in TIMETABLE:
        day = getattr(p, field)
        if day is None:
            errors.setdefault(field, f"Enter the date of {label}")
            continue
        if not is_working_day(day):
            errors.setdefault(field, f"The date of {label} must be a working day")
        elif previous and day < previous[1]:
            errors.setdefault(field, f"The date of {label} must be on or after "
                                     f"{dict(TIMETABLE)[previous[0]]}")
        previous = (field, day)


def checked(p: Programme) -> dict[str, Any]:
    """The programme's values, or `Invalid` naming every bad field."""
    errors: dict[str, str] = {}
    values = _check_text(p, errors)
    _check_numbers(p, errors)
    _check_timetable(p, errors)
    if errors:
        raise Invalid(errors)
    return {**values, "cases_min": p.cases_min, "cases_max": p.cases_max,
            "is_baseline": bool(p.is_baseline), "theme_key": theme_key(values["theme"]),
            "tracking_months": p.tracking_months,
            **{field: getattr(p, field) for field, _ in TIMETABLE}}


def _next_reference(partnership: Partnership) -> str:
    count = db.session.scalar(select(func.count(MultiAgencyAudit.id)).where(
        MultiAgencyAudit.partnership_id == partnership.id)) or 0
    return f"{partnership.code_prefix}-MAA-{count + 1:03d}"


def plan_audit(partnership: Partnership, programme: Programme, by: User) -> MultiAgencyAudit:
    """A new audit in planning. Raises `Invalid`."""
    values = checked(programme)
    audit = MultiAgencyAudit(partnership_id=partnership.id, reference=_next_reference(partnership),
                             status="planning", created_by_id=by.id, created_at=utcnow(),
                             **values)
    db.session.add(audit)
    db.session.flush()
    log(audit, "multi_agency_planned", by)
    return audit


def update_programme(audit: MultiAgencyAudit, programme: Programme, by: User) -> None:
    """Change the plan. Theme, baseline and size are fixed once auditing starts."""
    if audit.status in ENDED:
        raise Refused("The audit is closed.")
    values = checked(programme)
    if audit.status != "planning":
        fixed = ("theme_key", "is_baseline", "cases_min", "cases_max")
        if any(values[f] != getattr(audit, f) for f in fixed):
            raise Invalid({"theme": "The theme, baseline and number of cases cannot change "
                                    "once auditing has started"})
    for field, value in values.items():
        setattr(audit, field, value)
    log(audit, "multi_agency_programme_changed", by)


CHECKPOINTS_CLOSED = ("consultation", "reported", *ENDED)
CHECKPOINTS_CLOSED_MESSAGE = ("Check points cannot be added or recorded once the consultation "
                              "meeting has been recorded: the returns are final.")


def _require_checkpoints_open(audit: MultiAgencyAudit) -> None:
    """Check points track returns coming in, so they stop when the meeting freezes them."""
    if audit.status in CHECKPOINTS_CLOSED:
        raise Refused(CHECKPOINTS_CLOSED_MESSAGE)


def _checkpoint_date_error(audit: MultiAgencyAudit, due_on: date | None) -> str | None:
    """Why a check point cannot fall on `due_on`: it must be a working day from the
    pre-meeting to the submission deadline, the window in which returns come in."""
    if due_on is None:
        return "Enter the date of the check point"
    if not is_working_day(due_on):
        return "The check point must be on a working day"
    if audit.pre_meeting_on is not None and due_on < audit.pre_meeting_on:
        return (f"The check point must be on or after the date of the pre-meeting "
                f"({gov_date(audit.pre_meeting_on)})")
    if audit.submission_deadline is not None and due_on > audit.submission_deadline:
        return (f"The check point must be on or before the submission deadline "
                f"({gov_date(audit.submission_deadline)})")
    return None


def add_checkpoint(audit: MultiAgencyAudit, due_on: date | None, label: str | None) -> None:
    """A check point between the pre-meeting and the submission deadline. Raises `Invalid`
    (a message per field) or `Refused` once the consultation meeting has been recorded."""
    _require_checkpoints_open(audit)
    errors: dict[str, str] = {}
    label = text(label, "label", "what the check point is for", 200, errors, line=True)
    date_error = _checkpoint_date_error(audit, due_on)
    if date_error:
        errors["due_on"] = date_error
    if errors:
        raise Invalid(errors)
    audit.checkpoints.append(MultiAgencyCheckpoint(due_on=due_on, label=label))


def review_checkpoint(audit: MultiAgencyAudit, checkpoint: MultiAgencyCheckpoint,
                      submitted: int, expected: int, by: Any) -> None:
    """Record how many returns are in at a check point; refused once returns are frozen,
    since a count taken after the meeting would not show progress towards it."""
    _require_checkpoints_open(audit)
    checkpoint.submitted, checkpoint.expected = submitted, expected
    checkpoint.reviewed_at = utcnow()
    log(audit, "multi_agency_checkpoint_reviewed", by, checkpoint.label)


def briefing_owner(audit: MultiAgencyAudit) -> str:
    """The core document owner for an audit's briefing files."""
    return f"multi_agency_audit:{audit.reference}"


def add_briefing(audit: MultiAgencyAudit, title: str | None, notes: str | None,
                 link: str | None, upload: Upload | None = None,
                 by: Any = None) -> MultiAgencyBriefing:
    """Training or briefing material for the group: notes, a link, and a file.

    The file is checked and stored (encrypted) only once the other fields are right, so a
    refused form keeps nothing; the caller removes the stored file if its commit fails.
    """
    errors: dict[str, str] = {}
    title = text(title, "title", "the briefing's title", 200, errors, line=True)
    notes = text(notes, "notes", "the notes", 10000, errors, required=False)
    link = text(link, "link", "the link", 500, errors, required=False, line=True)
    if link and not link.startswith("https://"):
        errors["link"] = "The link must start with https://"
    if not notes and not link and upload is None and "notes" not in errors:
        errors["notes"] = "Enter notes, a link or choose a file"
    if errors:
        raise Invalid(errors)
    briefing = MultiAgencyBriefing(title=title, notes=notes, link=link)
    if upload is not None:
        briefing.document = _stored(audit, upload, by)
    audit.briefings.append(briefing)
    return briefing


def _stored(audit: MultiAgencyAudit, upload: Upload, by: Any) -> Document:
    try:
        return store_document(audit.partnership_id, briefing_owner(audit), upload.filename,
                              upload.stream, by)
    except DocumentTooLarge:
        raise
    except DocumentRefused as exc:
        raise Invalid({"file": exc.message}) from None


def remove_briefing(audit: MultiAgencyAudit, briefing: MultiAgencyBriefing,
                    by: Any) -> Document | None:
    """Take material off the audit; its file is shredded (the caller deletes it after
    commit with `discard_document`)."""
    document = briefing.document
    if document is not None:
        remove_document(document, by)
    audit.briefings.remove(briefing)
    log(audit, "multi_agency_briefing_removed", by, briefing.title)
    return document


def log(audit: MultiAgencyAudit, action: str, by: Any, detail: str | None = None) -> None:
    """Access-log an audit-level event (the audit's reference only, never identity)."""
    append_access_log(action, "multi_agency_audit", audit.reference, user=by,
                      partnership_id=audit.partnership_id, detail=detail)


def require_status(audit: MultiAgencyAudit, *allowed: str) -> None:
    if audit.status not in allowed:
        raise Refused(f"This cannot be done while the audit is at '{audit.status_label}'.")
