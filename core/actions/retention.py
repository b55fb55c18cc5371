"""When a case's identity is destroyed at the end of its retention period, the free text of
its actions goes too: what was written about the child may identify them. The actions stay,
with their dates, owners, statuses and judgements, so trend reports still count them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from core.actions.models import Action
from core.extensions import db

REMOVED = "Removed when the case's identity was destroyed at the end of its retention period."


def forget_case(case: Any) -> int:
    """Clear the narrative of every action about `case`; returns how many. Does not commit."""
    actions = list(db.session.scalars(select(Action).where(Action.case_id == case.id)))
    for action in actions:
        forget_action(action, REMOVED)
    return len(actions)


def forget_action(action: Action, removed: str = REMOVED) -> None:
    """Replace an action's free text (what, why, completion, log entries, review notes) with
    `removed`, keeping its dates, owner, status and judgements. Does not commit."""
    action.what, action.why = removed, removed
    if action.completion_summary:
        action.completion_summary = removed
    for entry in action.entries:
        entry.text = None
    if action.review is not None:
        action.review.notes = None
