"""Carrying out an audit: the file review, the conversation and the grading after it, the
immediate-response check, family feedback, strengths, development areas and actions.

The auditor may save any section as a draft at any time. Every save carries the version of the
audit the form was opened on: a save from a form opened before someone else's save is refused
with `StaleAudit` (the page then shows what was typed next to the current version), and two
saves racing each other are caught by the row's `version_id_col`. Malformed input raises
`AuditInvalid` and changes nothing; finishing a stage that is incomplete saves the draft and
returns what is still needed.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy.orm.exc import StaleDataError

from core.toolkit import (
    FAMILY_CONTACT_OUTCOMES,
    FAMILY_CONTACT_WITH,
    GradingError,
    Tool,
    add_working_days,
    db,
    get_tool,
    grade_history,
    share_family_feedback,
)
from plugins.single_agency import clock, grading
from plugins.single_agency.models import Audit, FamilyContact

EDITABLE = ("allocated", "returned")
PARTICIPANTS = {
    "practitioner": "Practitioner",
    "team_manager": "Team manager",
    "iro": "IRO or child protection chair",
    "family": "Parent or carer",
    "other": "Someone else",
}
CONTACT_WITH = FAMILY_CONTACT_WITH  # shared with the feedback activity through core
CONTACT_OUTCOMES = FAMILY_CONTACT_OUTCOMES
MAX_SUMMARY = 5000
ACTION_DAYS = 31  # Sefton: actions completed within 31 days at most
SAFEGUARDING_ACTION_DAYS = 5  # working days


class AuditInvalid(ValueError):
    """Input that cannot be saved; `errors` maps each field to its message."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(self.errors.values()))


class StaleAudit(Exception):
    """Someone saved the audit since this form was opened; nothing was saved."""


def tool_of(audit: Audit) -> Tool:
    return get_tool(audit.tool_key, audit.tool_version)


# --- guards on every save ------------------------------------------------------------------------


def edit_refusal(audit: Audit, user: Any) -> str | None:
    """Why `user` may not change the audit now, or None."""
    if audit.state not in EDITABLE:
        return "This audit cannot be changed now: it has been submitted or closed."
    if audit.auditor_id != getattr(user, "id", None):
        return "Only the allocated auditor can change this audit."
    return None


def begin_edit(audit: Audit, user: Any, version: Any) -> None:
    """Refuse a save by anyone but the auditor, in the wrong state, or from a stale form."""
    refusal = edit_refusal(audit, user)
    if refusal:
        raise AuditInvalid({"audit": refusal})
    if version is None or str(version) != str(audit.version):
        raise StaleAudit()


def _saved(audit: Audit) -> None:
    """Write the row now: a concurrent save of the same version loses here."""
    audit.updated_at = clock.now()
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise StaleAudit() from None


# --- the file review -----------------------------------------------------------------------


def save_file_review(audit: Audit, form: Mapping[str, str], user: Any, *,
                     finish: bool = False) -> dict[str, str]:
    """Save the file-review draft; with `finish`, record its grades for good (Haringey keeps
    this grading even after the conversation changes the auditor's mind)."""
    begin_edit(audit, user, form.get("version"))
    if audit.file_review_done_at is not None:
        raise AuditInvalid({"audit": "The file review is finished: its grades are kept as given."})
    tool, errors = tool_of(audit), {}
    draft = grading.read_domains(tool, form, errors, with_answers=True)
    overall = grading.read_overall(form, errors)
    if errors:
        raise AuditInvalid(errors)
    audit.file_review, audit.file_review_overall = draft, overall
    problems = _finish(audit, tool, "file_review", draft, overall, user) if finish else {}
    if finish and not problems:
        audit.file_review_done_at = clock.now()
    _saved(audit)
    return problems


def _finish(audit: Audit, tool: Tool, stage: str, draft: dict, overall: dict,
            user: Any) -> dict[str, str]:
    problems = grading.missing(tool, draft, overall, with_answers=stage == "file_review")
    if problems:
        return problems
    try:
        result = grading.overall(tool, grading.domain_grades(tool, draft), overall["choice"],
                                 overall["reason"])
    except GradingError as exc:
        return {exc.field: exc.message}
    grading.record(audit, stage, tool, draft, result, user)
    return {}


# --- the reflective conversation and the grading after it ------------------------------------


def save_conversation(audit: Audit, form: Mapping[str, str], user: Any,
                      participants: list[str]) -> None:
    """Record when the reflective conversation took place, who took part and what it added."""
    begin_edit(audit, user, form.get("version"))
    if audit.file_review_done_at is None:
        raise AuditInvalid({"audit": "Finish the file review before recording the conversation."})
    errors: dict[str, str] = {}
    held = read_date(form, "conversation", errors, "the conversation", required=True)
    chosen = [p for p in participants if p in PARTICIPANTS]
    if not chosen:
        errors["conversation_with"] = "Select who took part in the conversation"
    notes = grading.text(form, "conversation_notes")
    if not notes:
        errors["conversation_notes"] = "Write what the conversation added to the audit"
    if errors:
        raise AuditInvalid(errors)
    audit.conversation_on, audit.conversation_with, audit.conversation_notes = held, chosen, notes
    if not audit.after:  # start the regrading from the file review's grades
        audit.after = {code: {k: v for k, v in entry.items() if k != "answers"} | {"evidence": ""}
                       for code, entry in audit.file_review.items()}
        audit.after_overall = {"choice": audit.file_review_overall.get("choice", ""),
                               "reason": ""}
    _saved(audit)


def save_after_conversation(audit: Audit, form: Mapping[str, str], user: Any) -> dict[str, str]:
    """Save the grading after the conversation; returns what it still needs (checked again,
    and recorded, when the audit is submitted)."""
    begin_edit(audit, user, form.get("version"))
    if audit.conversation_on is None:
        raise AuditInvalid({"audit": "Record the conversation before grading again."})
    tool, errors = tool_of(audit), {}
    draft = grading.read_domains(tool, form, errors, with_answers=False)
    overall = grading.read_overall(form, errors)
    if errors:
        raise AuditInvalid(errors)
    audit.after, audit.after_overall = draft, overall
    _saved(audit)
    return after_problems(audit)


def after_problems(audit: Audit) -> dict[str, str]:
    tool = tool_of(audit)
    problems = grading.missing(tool, audit.after, audit.after_overall, with_answers=False)
    if problems:
        return problems
    try:
        grading.overall(tool, grading.domain_grades(tool, audit.after),
                        audit.after_overall["choice"], audit.after_overall.get("reason", ""))
    except GradingError as exc:
        return {exc.field: exc.message}
    return {}


# --- the immediate-response check ------------------------------------------------------------


def save_safety_check(audit: Audit, form: Mapping[str, str], user: Any) -> list[Any]:
    """Record the immediate-response check; raises a safety alert at once for a concern about
    the child's safety or no supervision for six months (Sefton). Returns new alerts."""
    from plugins.single_agency.alerts import raise_alert

    begin_edit(audit, user, form.get("version"))
    errors: dict[str, str] = {}
    concern = _yes_no(form, "child_safety_concern", errors,
                      "Say whether there is a concern for the child's safety")
    supervised = _yes_no(form, "supervision_recent", errors,
                         "Say whether supervision is recorded in the last six months")
    notes = grading.text(form, "safety_notes")
    if (concern or supervised is False) and not notes:
        errors["safety_notes"] = "Describe the concern so the managers can respond"
    if errors:
        raise AuditInvalid(errors)
    audit.child_safety_concern, audit.supervision_recent, audit.safety_notes = (
        concern, supervised, notes or None)
    _saved(audit)
    reasons = (["child_safety"] if concern else []) + (["no_supervision"] if supervised is False
                                                       else [])
    return [a for a in (raise_alert(audit, r, notes, user) for r in reasons) if a is not None]


def _yes_no(form: Mapping[str, str], name: str, errors: dict[str, str],
            message: str) -> bool | None:
    value = form.get(name)
    if value not in ("yes", "no"):
        errors[name] = message
        return None
    return value == "yes"


# --- family and child feedback ---------------------------------------------------------------


def add_contact(audit: Audit, form: Mapping[str, str], user: Any) -> FamilyContact:
    """Record a contact with the family or child (or that they declined or could not be
    reached), and share it with the other activities (the feedback plugin counts it with the
    child's and family's other views). Contacts are added, never edited, so they need no
    version check."""
    refusal = edit_refusal(audit, user)
    if refusal:
        raise AuditInvalid({"audit": refusal})
    errors: dict[str, str] = {}
    with_whom, outcome = form.get("contact_with", ""), form.get("outcome", "")
    if with_whom not in CONTACT_WITH:
        errors["contact_with"] = "Select who the contact was with"
    if outcome not in CONTACT_OUTCOMES:
        errors["outcome"] = "Select how the contact went"
    by_whom = grading.text(form, "by_whom")[:100]
    if not by_whom:
        errors["by_whom"] = "Enter who made the contact, for example the auditor"
    on = read_date(form, "contacted", errors, "the contact", required=True)
    summary = grading.text(form, "summary")
    if outcome == "spoke" and not summary:
        errors["summary"] = "Summarise what the family or child said"
    elif len(summary) > MAX_SUMMARY:
        errors["summary"] = f"The summary must be {MAX_SUMMARY} characters or fewer"
    if errors:
        raise AuditInvalid(errors)
    contact = FamilyContact(audit_id=audit.id, contact_with=with_whom, outcome=outcome,
                            by_whom=by_whom, contacted_on=on, summary=summary or None,
                            recorded_by_id=user.id, recorded_at=clock.now())
    db.session.add(contact)
    db.session.flush()
    share_family_feedback(audit.case, activity="single_agency",
                          reference=f"{audit.reference}-F{contact.id}", with_whom=with_whom,
                          outcome=outcome, contacted_on=on, summary=summary, recorded_by=user)
    return contact


# --- strengths, development areas and actions ------------------------------------------------


def save_summary(audit: Audit, form: Mapping[str, str], user: Any) -> None:
    begin_edit(audit, user, form.get("version"))
    audit.strengths = grading.text(form, "strengths") or None
    audit.development = grading.text(form, "development") or None
    _saved(audit)


def add_action(audit: Audit, form: Mapping[str, str], user: Any,
               owners: Mapping[int, Any]) -> dict[str, Any]:
    """Add a SMART action: what, who, by when (31 days at most; 5 working days for a
    safeguarding action), raised on the action tracker when the audit is accepted."""
    begin_edit(audit, user, form.get("version"))
    errors: dict[str, str] = {}
    what = grading.text(form, "action_what")[:1000]
    if len(what) < 10:
        errors["action_what"] = "Describe the action: what will be done (at least 10 characters)"
    owner = form.get("action_owner", "")
    if not owner.isdigit() or int(owner) not in owners:
        errors["action_owner"] = "Select who will do it"
    safeguarding = form.get("action_safeguarding") == "yes"
    due = read_date(form, "action_due", errors, "the due date", required=True)
    if due is not None:
        _check_due(due, safeguarding, errors)
    if errors:
        raise AuditInvalid(errors)
    action = {"id": secrets.token_hex(4), "what": what, "owner_id": int(owner),
              "due_on": due.isoformat(), "safeguarding": safeguarding}
    audit.actions = [*audit.actions, action]
    _saved(audit)
    return action


def _check_due(due: date, safeguarding: bool, errors: dict[str, str]) -> None:
    today = clock.today()
    latest = (add_working_days(today, SAFEGUARDING_ACTION_DAYS) if safeguarding
              else date.fromordinal(today.toordinal() + ACTION_DAYS))
    if due <= today:
        errors["action_due"] = "The due date must be in the future"
    elif due > latest:
        limit = ("5 working days" if safeguarding else f"{ACTION_DAYS} days")
        errors["action_due"] = f"The action must be due within {limit}, by {latest:%-d %B %Y}"


def remove_action(audit: Audit, action_id: str, user: Any, version: Any) -> None:
    begin_edit(audit, user, version)
    audit.actions = [a for a in audit.actions if a["id"] != action_id]
    _saved(audit)


# --- submitting ------------------------------------------------------------------------------


def submission_problems(audit: Audit) -> dict[str, str]:
    """What the audit still needs before the QA check, per section."""
    found: dict[str, str] = {}
    if audit.file_review_done_at is None:
        found["file_review"] = "Finish the file review"
    if audit.child_safety_concern is None or audit.supervision_recent is None:
        found["safety"] = "Complete the immediate-response check"
    if audit.conversation_on is None:
        found["conversation"] = "Record the reflective conversation"
    elif after_problems(audit):
        found["after"] = "Complete the grading after the conversation"
    if not audit.contacts:
        found["family"] = "Record the contact with the family or child, or that it failed"
    if not (audit.strengths and audit.development):
        found["summary"] = "Write the strengths and the areas for development"
    elif not audit.actions and not _good_or_better(audit):
        found["actions"] = "Agree at least one action: the audit is below good"
    return found


def _good_or_better(audit: Audit) -> bool:
    return audit.after_overall.get("choice") in ("good", "outstanding")


def record_after_conversation(audit: Audit, user: Any) -> None:
    tool = tool_of(audit)
    result = grading.overall(tool, grading.domain_grades(tool, audit.after),
                             audit.after_overall["choice"], audit.after_overall.get("reason", ""))
    grading.record(audit, "after_conversation", tool, audit.after, result, user)


def latest_overall(audit: Audit, stage: str | None = None) -> str | None:
    """The most recent overall grade recorded for the audit (at `stage`, if given)."""
    rows = [r for r in grade_history(grading.SUBJECT, audit.id)
            if r.is_overall and (stage is None or r.stage == stage)]
    return rows[-1].grade if rows else None


def read_date(form: Mapping[str, str], prefix: str, errors: dict[str, str], what: str, *,
          required: bool) -> date | None:
    """A GOV.UK date input (prefix-day, prefix-month, prefix-year) that is not in the future."""
    parts = [(form.get(f"{prefix}-{p}") or "").strip() for p in ("day", "month", "year")]
    if not any(parts):
        if required:
            errors[prefix] = f"Enter the date of {what}"
        return None
    try:
        day = date(int(parts[2]), int(parts[1]), int(parts[0]))
    except ValueError:
        errors[prefix] = f"The date of {what} must be a real date, like 27 3 2026"
        return None
    if prefix != "action_due" and day > clock.today():
        errors[prefix] = f"The date of {what} must be today or in the past"
    return day
