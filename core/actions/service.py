"""Raising actions and changing them: the rules every page, plugin and job goes through.

Nothing here commits: each function works in the caller's transaction, so an action, its
history entry and the notifications it causes are saved together or not at all. Bad input
raises `ActionInvalid` with a message per field; a move the person may not make raises
`ActionRefused` with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from core.actions import notices, rules, settings
from core.actions import status as st
from core.actions.line import sign_off_people
from core.actions.models import Action, ActionEntry, ActionPlan
from core.actions.sampling import picked_for_review
from core.cases.models import Case
from core.extensions import db
from core.identity.models import Agency, Partnership, Team, User

WHAT_MAX, TEXT_MAX = 1000, 4000


class ActionInvalid(ValueError):
    """The action cannot be saved as given; `errors` maps each field to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


class ActionRefused(PermissionError):
    """The person may not make this change now; `message` says why."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class ActionSource:
    """Where an action came from: the activity (a plugin key, or "core" when raised by hand),
    that activity's own reference for the piece of work (an audit code, never identity), and
    optionally the case it is about."""

    activity: str = "core"
    reference: str | None = None
    case: Case | None = None


@dataclass
class Owner:
    """Who owns an action: always an agency; a team and a person when known."""

    agency: Agency | None
    team: Team | None = None
    user: User | None = None


# --- Checking what was given --------------------------------------------------------------------


def check_text(value: str | None, field: str, label: str, limit: int,
          errors: dict[str, str]) -> str:
    text = (value or "").strip()
    if not text:
        errors[field] = f"Enter {label}"
    elif len(text) > limit:
        errors[field] = f"{label[0].upper()}{label[1:]} must be {limit} characters or fewer"
    return text


def _memberships_in(user: User, agency_id: int) -> list:
    return [m for m in user.memberships if m.agency_id == agency_id]


def resolve_owner(partnership: Partnership, owner: Owner, errors: dict[str, str]) -> Owner:
    """Fill in the agency (and team) from the person where that is unambiguous; check the rest."""
    agency, team, user = owner.agency, owner.team, owner.user
    if agency is None and user is not None:
        agencies = {m.agency_id: m.agency for m in user.memberships
                    if m.agency is not None and partnership in m.agency.partnerships}
        agency = next(iter(agencies.values())) if len(agencies) == 1 else None
    if agency is None:
        errors["owner_agency"] = "Select the agency that owns the action"
        return Owner(None, team, user)
    if partnership not in agency.partnerships:
        errors["owner_agency"] = "The owning agency must be part of the partnership"
    if user is not None and (not user.is_active or not _memberships_in(user, agency.id)):
        errors["owner_email"] = "The owner must be an active person in the owning agency"
    if team is None and user is not None:
        teams = {m.team for m in _memberships_in(user, agency.id) if m.team is not None}
        team = next(iter(teams)) if len(teams) == 1 else None
    if team is not None and team.agency_id != agency.id:
        errors["owner_team"] = "The team must belong to the owning agency"
    return Owner(agency, team, user)


def check_due(due: date | None, priority: str, errors: dict[str, str],
               unchanged: date | None = None) -> date | None:
    if priority not in settings.PRIORITIES:
        errors["priority"] = "Select the priority"
        return due
    if due is None:
        return settings.default_due_date(priority)
    if due < settings.today() and due != unchanged:
        errors["due_date"] = "The due date must be today or in the future"
    return due


def check_plan(plan: ActionPlan | None, partnership: Partnership,
                errors: dict[str, str]) -> None:
    if plan is not None and (plan.partnership_id != partnership.id or plan.status != "active"):
        errors["plan"] = "Select an open action plan of the same partnership"


def _check_source(source: ActionSource, partnership: Partnership,
                  errors: dict[str, str]) -> None:
    if not source.activity or len(source.activity) > 40:
        errors["source"] = "The source activity must be a short key such as 'single_agency'"
    if source.reference is not None and len(source.reference) > 64:
        errors["source_ref"] = "The source reference must be 64 characters or fewer"
    if source.case is not None and source.case.partnership_id != partnership.id:
        errors["case_code"] = "The case must belong to the same partnership"


# --- Raising ------------------------------------------------------------------------------------


def raise_action(*, partnership: Partnership, what: str, why: str,
                 owner_agency: Agency | None = None, owner_user: User | None = None,
                 owner_team: Team | None = None, due: date | None = None,
                 priority: str = "normal", source: ActionSource | None = None,
                 plan: ActionPlan | None = None, by: Any = None) -> Action:
    """Record a new action and tell its owner. Does not commit.

    Without `due`, the action gets the default for its priority (working days from today).
    `owner_agency` may be left out when `owner_user` works for one agency of the partnership.
    Raises `ActionInvalid` with a message per field.
    """
    source = source or ActionSource()
    errors: dict[str, str] = {}
    what = check_text(what, "what", "what is to be done", WHAT_MAX, errors)
    why = check_text(why, "why", "why (the finding it answers)", TEXT_MAX, errors)
    owner = resolve_owner(partnership, Owner(owner_agency, owner_team, owner_user), errors)
    due = check_due(due, priority, errors)
    check_plan(plan, partnership, errors)
    _check_source(source, partnership, errors)
    if errors:
        raise ActionInvalid(errors)
    action = _new(partnership, what, why, owner, due, priority, source, plan, by)
    if owner.user is not None and owner.user.id != getattr(by, "id", None):
        notices.assigned(action, owner.user)
    return action


def _new(partnership: Partnership, what: str, why: str, owner: Owner, due: date | None,
         priority: str, source: ActionSource, plan: ActionPlan | None, by: Any) -> Action:
    now, by_id = settings.now(), getattr(by, "id", None)
    action = Action(
        partnership=partnership, plan=plan, what=what, why=why,
        source_activity=source.activity, source_ref=source.reference, case=source.case,
        owner_agency=owner.agency, owner_team=owner.team, owner_user=owner.user, due_date=due,
        priority=priority, status=st.OPEN, created_by_id=by_id, created_at=now,
        updated_by_id=by_id, updated_at=now)
    db.session.add(action)
    add_entry(action, "raised", by)
    db.session.flush()
    return action


def actions_for(source: ActionSource | str, reference: str | None = None, *,
                user: Any = None) -> list[Action]:
    """The actions an activity raised, oldest first: all of an activity's, or those for one
    reference (and case, if the source names one). With `user`, only those they may see."""
    if isinstance(source, str):
        source = ActionSource(source, reference)
    query = select(Action).where(Action.source_activity == source.activity)
    if source.reference is not None:
        query = query.where(Action.source_ref == source.reference)
    if source.case is not None:
        query = query.where(Action.case_id == source.case.id)
    if user is not None:
        from core.actions.queries import visible_ids

        query = query.where(Action.id.in_(visible_ids(user)))
    return list(db.session.scalars(query.order_by(Action.id)))


# --- Working on it ------------------------------------------------------------------------------


def add_entry(action: Action, kind: str, by: Any, text: str | None = None,
              **extra: Any) -> ActionEntry:
    entry = ActionEntry(action=action, kind=kind, user_id=getattr(by, "id", None),
                        at=settings.now(), text=text, **extra)
    db.session.add(entry)
    return entry


def touch(action: Action, by: Any) -> None:
    action.updated_by_id, action.updated_at = getattr(by, "id", None), settings.now()


def _refuse_if(reason: str | None) -> None:
    if reason:
        raise ActionRefused(reason)


def add_progress(action: Action, by: User, text: str) -> ActionEntry:
    """A progress note; the first one moves an open (or returned) action to in progress."""
    _refuse_if(rules.work_refusal(action, by))
    errors: dict[str, str] = {}
    text = check_text(text, "note", "the progress note", TEXT_MAX, errors)
    if errors:
        raise ActionInvalid(errors)
    if action.status in (st.OPEN, st.RETURNED):
        action.status = st.IN_PROGRESS
    touch(action, by)
    return add_entry(action, "progress", by, text)


def add_evidence(action: Action, by: User, text: str, attachment_id: str | None = None
                 ) -> ActionEntry:
    """Evidence of what was done: a description, and optionally a file kept on the case."""
    _refuse_if(rules.work_refusal(action, by))
    errors: dict[str, str] = {}
    text = check_text(text, "evidence", "a description of the evidence", TEXT_MAX, errors)
    if errors:
        raise ActionInvalid(errors)
    touch(action, by)
    return add_entry(action, "evidence", by, text, attachment_id=attachment_id)


def complete(action: Action, by: User, summary: str) -> None:
    """The owner says it is done; the line manager is asked to sign it off."""
    _refuse_if(rules.work_refusal(action, by))
    if action.status not in st.CAN_COMPLETE:
        raise ActionRefused("This action is already completed and awaiting sign-off.")
    errors: dict[str, str] = {}
    summary = check_text(summary, "summary", "what was done", TEXT_MAX, errors)
    if errors:
        raise ActionInvalid(errors)
    action.status, action.completion_summary = st.AWAITING_SIGN_OFF, summary
    action.completed_at, action.completed_by_id = settings.now(), by.id
    action.signed_off_at = action.signed_off_by_id = action.sign_off_judgement = None
    touch(action, by)
    add_entry(action, "completed", by, summary)
    people = [p for p in sign_off_people(action) if p.id != by.id]
    notices.awaiting_sign_off(action, people)


def sign_off(action: Action, by: User, judgement: str, reason: str | None = None,
             rng: Any = None) -> None:
    """The line manager's judgement on quality: met (and whether it made a difference), or not
    met and returned to the owner with a reason. Signed-off actions may be picked at random
    for a later "did it make a difference?" review."""
    _refuse_if(rules.sign_off_refusal(action, by))
    errors: dict[str, str] = {}
    if judgement not in st.JUDGEMENTS:
        errors["judgement"] = "Select your judgement of the quality of what was done"
    elif judgement == "not_met":
        reason = check_text(reason, "reason", "why it is returned", TEXT_MAX, errors)
    if errors:
        raise ActionInvalid(errors)
    touch(action, by)
    if judgement == "not_met":
        _return(action, by, reason or "")
    else:
        _signed_off(action, by, judgement, (reason or "").strip() or None, rng)


def _return(action: Action, by: User, reason: str) -> None:
    action.status, action.sign_off_judgement = st.RETURNED, "not_met"
    add_entry(action, "returned", by, reason, judgement="not_met")
    people = [action.owner_user] if action.owner_user is not None else []
    if action.completed_by is not None and action.completed_by not in people:
        people.append(action.completed_by)
    notices.returned(action, people)


def _signed_off(action: Action, by: User, judgement: str, comment: str | None,
                rng: Any) -> None:
    from core.actions.models import ActionReview

    now = settings.now()
    action.status, action.sign_off_judgement = st.SIGNED_OFF, judgement
    action.signed_off_at, action.signed_off_by_id = now, by.id
    add_entry(action, "signed_off", by, comment, judgement=judgement)
    if picked_for_review(settings.review_sample_rate(), rng):
        action.review = ActionReview(selected_at=now)
        add_entry(action, "selected_for_review", None)


def record_review(action: Action, by: User, outcome: str, notes: str) -> None:
    """Record whether a sampled, signed-off action made a difference to practice."""
    _refuse_if(rules.review_refusal(action, by))
    errors: dict[str, str] = {}
    if outcome not in st.OUTCOMES:
        errors["outcome"] = "Select whether the action made a difference"
    notes = check_text(notes, "notes", "what you found", TEXT_MAX, errors)
    if errors:
        raise ActionInvalid(errors)
    review = action.review
    review.outcome, review.notes = outcome, notes
    review.reviewer_id, review.reviewed_at = by.id, settings.now()
    touch(action, by)
    add_entry(action, "reviewed", by, notes, judgement=outcome)


def cancel(action: Action, by: User, reason: str) -> None:
    """Stop an action that is no longer needed, saying why (kept in its history)."""
    _refuse_if(rules.cancel_refusal(action, by))
    errors: dict[str, str] = {}
    reason = check_text(reason, "reason", "why the action is cancelled", TEXT_MAX, errors)
    if errors:
        raise ActionInvalid(errors)
    action.status = st.CANCELLED
    touch(action, by)
    add_entry(action, "cancelled", by, reason)
