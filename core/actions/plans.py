"""Action plans: create one for a partnership, rename it, describe it, close it.

Saving follows the same optimistic lock as actions: the form's version must be the stored one.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from core.actions import settings
from core.actions.conflict import is_stale
from core.actions.editing import Stale
from core.actions.models import ActionPlan
from core.actions.service import TEXT_MAX, ActionInvalid, check_text
from core.extensions import db
from core.identity.models import Partnership

PLAN_STATUSES = {"active": "Active", "closed": "Closed"}
NAME_MAX = 200


def _check(partnership_id: int, name: str, description: str, errors: dict[str, str],
           plan_id: int | None = None) -> tuple[str, str | None]:
    name = check_text(name, "name", "the name of the plan", NAME_MAX, errors)
    text = (description or "").strip()
    if len(text) > TEXT_MAX:
        errors["description"] = f"The description must be {TEXT_MAX} characters or fewer"
    if name and "name" not in errors and _name_taken(partnership_id, name, plan_id):
        errors["name"] = "There is already an action plan with this name in the partnership"
    return name, text or None


def _name_taken(partnership_id: int, name: str, plan_id: int | None) -> bool:
    query = select(ActionPlan.id).where(ActionPlan.partnership_id == partnership_id,
                                        func.lower(ActionPlan.name) == name.lower())
    if plan_id is not None:
        query = query.where(ActionPlan.id != plan_id)
    return db.session.scalar(query) is not None


def create_plan(partnership: Partnership | None, name: str, description: str,
                by: Any) -> ActionPlan:
    """A new, active plan. Raises ActionInvalid. Does not commit."""
    errors: dict[str, str] = {}
    if partnership is None:
        errors["partnership"] = "Select the partnership"
        check_text(name, "name", "the name of the plan", NAME_MAX, errors)
        raise ActionInvalid(errors)
    name, text = _check(partnership.id, name, description, errors)
    if errors:
        raise ActionInvalid(errors)
    now, by_id = settings.now(), getattr(by, "id", None)
    plan = ActionPlan(partnership=partnership, name=name, description=text, status="active",
                      created_by_id=by_id, created_at=now, updated_by_id=by_id, updated_at=now)
    db.session.add(plan)
    db.session.flush()
    return plan


def update_plan(plan: ActionPlan, by: Any, *, name: str, description: str, status: str,
                seen_version: str | int | None) -> None:
    """Save the plan's details. Raises Stale or ActionInvalid, changing nothing."""
    if is_stale(seen_version, plan.version):
        raise Stale()
    errors: dict[str, str] = {}
    name, text = _check(plan.partnership_id, name, description, errors, plan.id)
    if status not in PLAN_STATUSES:
        errors["status"] = "Select whether the plan is active or closed"
    if errors:
        raise ActionInvalid(errors)
    if (plan.name, plan.description, plan.status) != (name, text, status):
        plan.name, plan.description, plan.status = name, text, status
        plan.updated_by_id, plan.updated_at = getattr(by, "id", None), settings.now()
