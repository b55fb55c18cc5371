"""What people are told about actions, through the inbox and email (`core.notifications`).

Texts carry the action's reference, its plan, the case code and dates only: never the free
text of the action, which someone may have written a name into, and never identity.
"""

from __future__ import annotations

from collections.abc import Iterable

from core.actions.models import Action
from core.identity.models import User
from core.notifications import notify


def path(action: Action) -> str:
    return f"/actions/{action.id}"


def _about(action: Action) -> str:
    parts = [f"Action {action.reference}"]
    if action.plan is not None:
        parts.append(f"in the plan '{action.plan.name}'")
    if action.case is not None:
        parts.append(f"for case {action.case.code}")
    return " ".join(parts)


def _due(action: Action) -> str:
    return f"{action.due_date.day} {action.due_date:%B %Y}"


def _tell(people: Iterable[User], event: str, subject: str, body: str, action: Action,
          urgent: bool = False) -> None:
    notify(list(people), event, subject, body + "\n\nOpen the action to see the details.",
           link=path(action), partnership_id=action.partnership_id, urgent=urgent)


def assigned(action: Action, owner: User) -> None:
    _tell([owner], "actions.assigned", f"Action {action.reference} is yours, due {_due(action)}",
          f"{_about(action)} has been given to you. It is due by {_due(action)}.", action,
          urgent=action.priority == "safeguarding")


def awaiting_sign_off(action: Action, people: list[User]) -> None:
    _tell(people, "actions.awaiting_sign_off", f"Action {action.reference} needs your sign-off",
          f"{_about(action)} has been completed. As the owner's line manager, check the quality "
          "of what was done and sign it off, or return it with a reason.", action)


def returned(action: Action, people: list[User]) -> None:
    _tell(people, "actions.returned", f"Action {action.reference} was returned to you",
          f"{_about(action)} was not signed off: it has been returned to you with a reason.",
          action)


def overdue(action: Action, people: list[User]) -> None:
    _tell(people, "actions.overdue", f"Action {action.reference} is overdue",
          f"{_about(action)} was due by {_due(action)} and is not complete.", action,
          urgent=action.priority == "safeguarding")


def escalated(action: Action, level: int, people: list[User]) -> None:
    _tell(people, "actions.escalated",
          f"Overdue action {action.reference} escalated to you (level {level})",
          f"{_about(action)} was due by {_due(action)} and is not complete. It has been "
          f"escalated to you as the next manager up the line (escalation level {level}).",
          action, urgent=action.priority == "safeguarding")

