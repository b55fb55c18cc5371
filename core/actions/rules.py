"""Who may do what to an action. Views, the toolkit and the overdue job all ask here.

- See: anyone whose `actions.view` reaches the owning agency or the partnership, and the owner.
- Work on it (progress notes, evidence, completion): the owner, or anyone who manages actions
  for the owning agency.
- Sign off: the owner's line manager (see `line.sign_off_people`), holding `actions.sign_off`,
  never the owner or whoever completed it: sign-off is a second pair of eyes on quality.
- Review whether it made a difference: `actions.review`, never the owner or the person who
  signed it off.
"""

from __future__ import annotations

from typing import Any

from core.actions import status as st
from core.actions.line import sign_off_people
from core.actions.models import Action
from core.identity.access import can

VIEW, MANAGE = "actions.view", "actions.manage"
SIGN_OFF, REVIEW = "actions.sign_off", "actions.review"


def is_owner(user: Any, action: Action) -> bool:
    return action.owner_user_id is not None and action.owner_user_id == getattr(user, "id", None)


def may_see(user: Any, action: Action) -> bool:
    return is_owner(user, action) or can(VIEW, action, user=user)


def may_manage(user: Any, action: Action) -> bool:
    return can(MANAGE, action, user=user)


def may_work(user: Any, action: Action) -> bool:
    return is_owner(user, action) or may_manage(user, action)


def work_refusal(action: Action, user: Any) -> str | None:
    """Why `user` may not add notes, evidence or completion now (None: they may)."""
    if not may_work(user, action):
        return "Only the owner or someone who manages actions for the agency can do this."
    if action.status in st.CLOSED:
        return f"This action is {st.STATUSES[action.status].lower()}: it cannot change now."
    return None


def sign_off_refusal(action: Action, user: Any) -> str | None:
    """Why `user` may not sign the action off now (None: they may)."""
    if action.status != st.AWAITING_SIGN_OFF:
        return "Only a completed action that is awaiting sign-off can be signed off."
    if is_owner(user, action):
        return "You cannot sign off an action you own."
    if action.completed_by_id == user.id:
        return "You cannot sign off an action you completed yourself."
    if not can(SIGN_OFF, action, user=user):
        return "You cannot sign off actions for this agency."
    if user.id not in {u.id for u in sign_off_people(action)}:
        return "Only the owner's line manager can sign this action off."
    return None


def review_refusal(action: Action, user: Any) -> str | None:
    """Why `user` may not record the difference review now (None: they may)."""
    if action.review is None or action.status != st.SIGNED_OFF:
        return "This action was not picked for a difference review."
    if action.review.reviewed_at is not None:
        return "The difference review of this action has already been recorded."
    if is_owner(user, action) or action.signed_off_by_id == user.id:
        return "The review must be done by someone other than the owner and the person who " \
               "signed it off."
    if not can(REVIEW, action, user=user):
        return "You cannot review actions for this agency."
    return None


def cancel_refusal(action: Action, user: Any) -> str | None:
    if not may_manage(user, action):
        return "Only someone who manages actions for the agency can cancel one."
    if action.status not in st.CAN_CANCEL:
        return f"This action is {st.STATUSES[action.status].lower()}: it cannot be cancelled."
    return None
