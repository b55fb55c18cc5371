"""Changing an action's plan, wording, owner, due date or priority, with an optimistic lock.

The form carries the version it was opened on; a save from an older version raises `Stale`
before anything changes, and the page then shows both versions (see `conflict`). A save that
races past the check still fails at commit (`version_id_col`), and the page does the same.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from core.actions import notices, rules
from core.actions import status as st
from core.actions.conflict import is_stale
from core.actions.models import Action, ActionPlan
from core.actions.service import (
    TEXT_MAX,
    WHAT_MAX,
    ActionInvalid,
    ActionRefused,
    Owner,
    add_entry,
    check_due,
    check_plan,
    check_text,
    resolve_owner,
    touch,
)

FIELD_LABELS = {"plan": "plan", "what": "what", "why": "why", "owner_agency": "owning agency",
                "owner_team": "team", "owner_user": "owner", "due_date": "due date",
                "priority": "priority"}


class Stale(Exception):
    """The form was opened on an older version of the action."""


def update_action(action: Action, by: Any, *, what: str, why: str, owner: Owner,
                  due: date | None, priority: str, plan: ActionPlan | None,
                  seen_version: str | int | None) -> list[str]:
    """Apply the changes; return what changed (labels). Raises Stale, ActionRefused or
    ActionInvalid, and changes nothing when it does."""
    if not rules.may_manage(by, action):
        raise ActionRefused("Only someone who manages actions for the agency can change it.")
    if action.status in st.CLOSED:
        raise ActionRefused("A signed-off or cancelled action cannot be changed.")
    if is_stale(seen_version, action.version):
        raise Stale()
    errors: dict[str, str] = {}
    values = {
        "what": check_text(what, "what", "what is to be done", WHAT_MAX, errors),
        "why": check_text(why, "why", "why (the finding it answers)", TEXT_MAX, errors),
        "due_date": check_due(due, priority, errors, unchanged=action.due_date),
        "priority": priority,
        "plan": plan,
    }
    owner = resolve_owner(action.partnership, owner, errors)
    check_plan(plan if plan is not action.plan else None, action.partnership, errors)
    if errors:
        raise ActionInvalid(errors)
    values |= {"owner_agency": owner.agency, "owner_team": owner.team, "owner_user": owner.user}
    return _apply(action, by, values)


def _apply(action: Action, by: Any, values: dict[str, Any]) -> list[str]:
    changed = [name for name, value in values.items() if getattr(action, name) != value]
    new_owner = values["owner_user"] if "owner_user" in changed else None
    for name in changed:
        setattr(action, name, values[name])
    if changed:
        touch(action, by)
        add_entry(action, "changed", by, "Changed: " + ", ".join(FIELD_LABELS[n] for n in changed))
    if new_owner is not None and new_owner.id != getattr(by, "id", None):
        notices.assigned(action, new_owner)
    return [FIELD_LABELS[n] for n in changed]

