"""The partnership action plan: actions raised to agencies through core's action tracker,
each with a RAG status, and the sub-committee's reviews over the 6 to 12 months it tracks it.

Actions live in core (owners, due dates, progress, evidence, sign-off, overdue escalation);
this module only raises them with the audit as their source and reads them back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from core.toolkit import (
    Action,
    ActionInvalid,
    ActionPlan,
    ActionSource,
    User,
    actions_for,
    db,
    raise_action,
)
from plugins.multi_agency.clock import london_date
from plugins.multi_agency.models import MultiAgencyAudit, MultiAgencyReview
from plugins.multi_agency.problems import Invalid, Refused, text
from plugins.multi_agency.programme import log, require_status

RAG: dict[str, str] = {"green": "Green", "amber": "Amber", "red": "Red"}
RAG_COLOURS = {"green": "green", "amber": "yellow", "red": "red", "grey": "grey"}
DONE = ("awaiting_sign_off", "signed_off")
AMBER_DAYS = 14


@dataclass(frozen=True)
class NewAction:
    what: str | None
    why: str | None
    owner_agency_id: int | None
    owner_email: str | None
    due: date | None
    priority: str = "normal"


def plan_of(audit: MultiAgencyAudit) -> ActionPlan | None:
    return db.session.get(ActionPlan, audit.action_plan_id) if audit.action_plan_id else None


def audit_actions(audit: MultiAgencyAudit) -> list[Action]:
    return actions_for(ActionSource("multi_agency", audit.reference))


def rag_of(action: Action, today: date) -> str:
    """Green: done or comfortably in time; amber: due within two weeks; red: overdue."""
    if action.status == "cancelled":
        return "grey"
    if action.status in DONE:
        return "green"
    if action.due_date < today:
        return "red"
    return "amber" if action.due_date <= today + timedelta(days=AMBER_DAYS) else "green"


def _owner(audit: MultiAgencyAudit, new: NewAction, errors: dict[str, str]):
    participant = audit.participant(new.owner_agency_id) if new.owner_agency_id else None
    if participant is None:
        errors["owner_agency"] = "Select an agency taking part in the audit"
    user = None
    email = (new.owner_email or "").strip().lower()
    if email:
        user = db.session.scalar(select(User).where(db.func.lower(User.email) == email))
        if user is None:
            errors["owner_email"] = "Enter the email address of a person with an account"
    return (participant.agency if participant else None), user


def add_action(audit: MultiAgencyAudit, new: NewAction, by: User) -> Action:
    """Raise an action of the plan to an agency taking part. Raises Invalid."""
    require_status(audit, "reported")
    errors: dict[str, str] = {}
    agency, owner = _owner(audit, new, errors)
    if errors:
        raise Invalid(errors)
    try:
        action = raise_action(
            partnership=audit.partnership, what=new.what or "", why=new.why or "",
            owner_agency=agency, owner_user=owner, due=new.due, priority=new.priority,
            source=ActionSource("multi_agency", audit.reference), plan=plan_of(audit), by=by)
    except ActionInvalid as exc:
        raise Invalid(exc.errors) from None
    log(audit, "multi_agency_action_raised", by, action.reference)
    return action


def tracking_until(audit: MultiAgencyAudit) -> date | None:
    """When the sub-committee's tracking period ends (months after the report), counted
    from the London day the report was published: just after midnight in British Summer
    Time the UTC date is still the day before."""
    start = london_date(audit.reported_at)
    if start is None:
        return None
    month = start.month - 1 + audit.tracking_months
    year, month = start.year + month // 12, month % 12 + 1
    return date(year, month, min(start.day, 28))


def add_review(audit: MultiAgencyAudit, held_on: date | None, rag: str | None,
               impact: str | None, next_review_on: date | None, today: date,
               by: User) -> MultiAgencyReview:
    """The sub-committee's review: RAG status, evidence of impact and the next date."""
    require_status(audit, "reported")
    errors: dict[str, str] = {}
    if held_on is None:
        errors["held_on"] = "Enter the date of the review"
    elif held_on > today:
        errors["held_on"] = "The review date must be today or in the past"
    if rag not in RAG:
        errors["rag"] = "Select the plan's RAG status"
    impact = text(impact, "impact", "the evidence of impact", 5000, errors)
    if next_review_on is not None and held_on is not None and next_review_on <= held_on:
        errors["next_review_on"] = "The next review must be after this one"
    if errors:
        raise Invalid(errors)
    review = MultiAgencyReview(audit_id=audit.id, held_on=held_on, rag=rag, impact=impact,
                               next_review_on=next_review_on, recorded_by_id=by.id)
    db.session.add(review)
    log(audit, "multi_agency_plan_reviewed", by, f"rag {rag}")
    return review


def reviews_of(audit: MultiAgencyAudit) -> list[MultiAgencyReview]:
    return list(db.session.scalars(select(MultiAgencyReview).where(
        MultiAgencyReview.audit_id == audit.id).order_by(MultiAgencyReview.held_on)))


def ensure_plan(audit: MultiAgencyAudit) -> ActionPlan:
    plan = plan_of(audit)
    if plan is None:
        raise Refused("The action plan starts when the report is published.")
    return plan
