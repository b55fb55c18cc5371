"""Which actions a person sees, the tracker's filters, and plain rows for exports.

Scoping is in SQL: `actions.view` over the owning agency or the partnership, or being the
owner. Rows for exports carry case codes, never identity.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from flask import abort
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import selectinload

from core.actions import settings
from core.actions import status as st
from core.actions.models import Action, ActionReview
from core.actions.rules import VIEW
from core.extensions import db
from core.identity.access import scoped


def visible_ids(user: Any) -> Select:
    """The ids of the actions `user` may see (for `IN (...)`)."""
    within = scoped(Action, VIEW, user).with_only_columns(Action.id)
    return select(Action.id).where(or_(Action.id.in_(within), Action.owner_user_id == user.id))


def visible_actions(user: Any) -> Select:
    return select(Action).where(Action.id.in_(visible_ids(user)))


def find_visible(action_id: int, user: Any) -> Action:
    """The action, or 404 for one that does not exist or that `user` may not see."""
    action = db.session.scalar(visible_actions(user).where(Action.id == action_id))
    if action is None:
        abort(404)
    return action


def _int(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() else None


@dataclass(frozen=True)
class ActionFilters:
    """The tracker's filters; anything unreadable is ignored rather than refused."""

    partnership: int | None = None
    agency: int | None = None
    team: int | None = None
    owner: int | None = None
    plan: int | None = None
    source: str = ""
    status: str = ""  # a status, "active" (not yet done) or "" for any
    priority: str = ""
    overdue: bool = False
    review_due: bool = False

    @classmethod
    def from_args(cls, args: Mapping[str, Any]) -> ActionFilters:
        status = str(args.get("status") or "")
        priority = str(args.get("priority") or "")
        return cls(
            partnership=_int(args.get("partnership")), agency=_int(args.get("agency")),
            team=_int(args.get("team")), owner=_int(args.get("owner")),
            plan=_int(args.get("plan")), source=str(args.get("source") or "")[:40],
            status=status if status in st.STATUSES or status == "active" else "",
            priority=priority if priority in settings.PRIORITIES else "",
            overdue=str(args.get("overdue") or "") in {"1", "yes", "true", "on"},
            review_due=str(args.get("review_due") or "") in {"1", "yes", "true", "on"},
        )

    def as_args(self) -> dict[str, str]:
        """The filters as query-string values (for links that keep them)."""
        out = {}
        for name, value in asdict(self).items():
            if isinstance(value, bool):
                if value:
                    out[name] = "yes"
            elif value not in (None, ""):
                out[name] = str(value)
        return out


def overdue_clause(today=None):
    return Action.status.in_(st.ACTIVE) & (Action.due_date < (today or settings.today()))


def filtered(user: Any, filters: ActionFilters) -> Select:
    """The visible actions that match every filter given."""
    query = visible_actions(user)
    columns = {"partnership": Action.partnership_id, "agency": Action.owner_agency_id,
               "team": Action.owner_team_id, "owner": Action.owner_user_id,
               "plan": Action.plan_id}
    for name, column in columns.items():
        if (value := getattr(filters, name)) is not None:
            query = query.where(column == value)
    if filters.source:
        query = query.where(Action.source_activity == filters.source)
    if filters.status == "active":
        query = query.where(Action.status.in_((*st.ACTIVE, st.AWAITING_SIGN_OFF)))
    elif filters.status:
        query = query.where(Action.status == filters.status)
    if filters.priority:
        query = query.where(Action.priority == filters.priority)
    if filters.overdue:
        query = query.where(overdue_clause())
    if filters.review_due:
        query = query.where(Action.review.has(ActionReview.reviewed_at.is_(None)),
                            Action.status == st.SIGNED_OFF)
    return query


def with_details(query: Select) -> Select:
    return query.options(
        selectinload(Action.owner_agency), selectinload(Action.owner_team),
        selectinload(Action.owner_user), selectinload(Action.plan), selectinload(Action.case),
        selectinload(Action.partnership), selectinload(Action.review))


def action_rows(user: Any, filters: ActionFilters | Mapping[str, Any] | None = None
                ) -> list[dict[str, Any]]:
    """Plain rows of the actions `user` sees that match `filters`, in due-date order: for the
    CSV and XLSX exports. Case codes only; free text as written; dates as ISO strings."""
    if not isinstance(filters, ActionFilters):
        filters = ActionFilters.from_args(filters or {})
    query = with_details(filtered(user, filters)).order_by(Action.due_date, Action.id)
    today = settings.today()
    return [_row(a, today) for a in db.session.scalars(query)]


def _row(action: Action, today) -> dict[str, Any]:
    late = action.status in st.ACTIVE and action.due_date < today
    review = action.review
    return {
        "reference": action.reference,
        "partnership": action.partnership.name,
        "plan": action.plan.name if action.plan else "",
        "what": action.what,
        "why": action.why,
        "source_activity": action.source_activity,
        "source_reference": action.source_ref or "",
        "case_code": action.case.code if action.case else "",
        "agency": action.owner_agency.name,
        "team": action.owner_team.name if action.owner_team else "",
        "owner": action.owner_user.name if action.owner_user else "",
        "priority": settings.PRIORITIES[action.priority],
        "status": st.STATUSES[action.status],
        "due_date": action.due_date.isoformat(),
        "overdue": late,
        "completed_on": _day(action.completed_at),
        "signed_off_on": _day(action.signed_off_at),
        "sign_off_judgement": st.JUDGEMENT_SHORT.get(action.sign_off_judgement or "", ""),
        "difference_review": st.OUTCOMES.get(review.outcome or "", "Due") if review else "",
    }


def _day(moment) -> str:
    from core.timeutil import to_london

    return to_london(moment).date().isoformat() if moment else ""
