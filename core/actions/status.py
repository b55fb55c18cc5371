"""Where an action is in its life, and which moves are allowed from where.

open → in progress (first progress note) → completed, awaiting sign-off → signed off; or
returned by the line manager (the quality was not there) → back in progress → completed again.
Cancelled ends it from anywhere before sign-off. Only open, in-progress and returned actions
can be overdue: once completed, the wait is for the line manager, not the owner.
"""

from __future__ import annotations

OPEN, IN_PROGRESS, AWAITING_SIGN_OFF = "open", "in_progress", "awaiting_sign_off"
SIGNED_OFF, RETURNED, CANCELLED = "signed_off", "returned", "cancelled"

STATUSES: dict[str, str] = {
    OPEN: "Open",
    IN_PROGRESS: "In progress",
    AWAITING_SIGN_OFF: "Completed, awaiting sign-off",
    SIGNED_OFF: "Signed off",
    RETURNED: "Returned",
    CANCELLED: "Cancelled",
}
TAG_COLOURS: dict[str, str] = {
    OPEN: "blue", IN_PROGRESS: "light-blue", AWAITING_SIGN_OFF: "yellow",
    SIGNED_OFF: "green", RETURNED: "orange", CANCELLED: "grey",
}

ACTIVE = (OPEN, IN_PROGRESS, RETURNED)  # the owner still has work to do: these can be overdue
CAN_COMPLETE = ACTIVE
CAN_CANCEL = (*ACTIVE, AWAITING_SIGN_OFF)
CLOSED = (SIGNED_OFF, CANCELLED)

# The line manager's judgement: quality, not only completion (Sefton; Havering).
JUDGEMENTS: dict[str, str] = {
    "met_difference": "Met, and it made a difference",
    "met": "Met",
    "not_met": "Not met: return it to the owner with a reason",
}
PASSING = ("met_difference", "met")
JUDGEMENT_SHORT: dict[str, str] = {
    "met_difference": "Met, made a difference", "met": "Met", "not_met": "Not met",
}

# The later "did it make a difference?" review of a sampled action (Havering).
OUTCOMES: dict[str, str] = {
    "made_difference": "Yes, practice changed and it made a difference",
    "partly": "Partly",
    "no_difference": "No difference yet",
}

ENTRY_LABELS: dict[str, str] = {
    "raised": "Raised",
    "progress": "Progress note",
    "evidence": "Evidence",
    "completed": "Completed",
    "signed_off": "Signed off",
    "returned": "Returned",
    "cancelled": "Cancelled",
    "changed": "Changed",
    "selected_for_review": "Picked for a difference review",
    "reviewed": "Difference review",
}
