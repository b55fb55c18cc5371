"""The plugin's fixed lists: kinds of home, frequencies, judgements and who a visitor meets.

Keys are stored; labels are shown. Lists that a partnership may want to change (the themes of
children's views, default frequencies) are settings (`settings.py`).
"""

from __future__ import annotations

HOME_KINDS: dict[str, str] = {
    "own": "The authority's own home",
    "commissioned": "Externally commissioned placement",
}

# How often a home is visited, in months between visits.
FREQUENCIES: dict[str, tuple[str, int]] = {
    "monthly": ("Monthly", 1),
    "quarterly": ("Every three months", 3),
    "six_monthly": ("Every six months", 6),
    "annual": ("At least once a year", 12),
}

OFSTED_JUDGEMENTS: dict[str, str] = {
    "outstanding": "Outstanding",
    "good": "Good",
    "requires_improvement": "Requires improvement to be good",
    "inadequate": "Inadequate",
    "not_inspected": "Not yet inspected",
}
INADEQUATE = "inadequate"

# Who the visitor spoke to besides children (roles only, never names).
SPOKEN_TO: dict[str, str] = {
    "registered_manager": "Registered manager",
    "deputy_manager": "Deputy manager",
    "senior_care_worker": "Senior residential care worker",
    "care_worker": "Residential care worker",
    "night_staff": "Night staff",
    "parents": "Parents or carers",
    "social_workers": "Social workers",
    "iro": "Independent reviewing officers",
    "other_professionals": "Other professionals (education, health, police)",
}

HOW_SEEN: dict[str, str] = {
    "alone": "On their own",
    "with_staff": "With a member of staff",
    "group": "In a group",
}

YES_NO: dict[str, str] = {"yes": "Yes", "no": "No"}

ANNOUNCED: dict[str, str] = {"announced": "Announced", "unannounced": "Unannounced"}

# What a visit found about a recommendation carried over from an earlier visit.
REVIEW_OUTCOMES: dict[str, str] = {
    "progressing": "Progressing",
    "not_progressed": "Not progressed",
    "met": "Met: close it",
}

RECIPIENTS: dict[str, str] = {
    "provider": "The provider (registered person)",
    "ofsted": "Ofsted",
    "placing_authority": "The placing authority",
    "other": "Someone else",
}
REQUIRED_RECIPIENTS = ("provider", "ofsted", "placing_authority")

METHODS: dict[str, str] = {
    "secure_email": "Secure email",
    "portal": "Ofsted portal or provider portal",
    "post": "Post",
    "by_hand": "By hand",
}

DECISIONS: dict[str, str] = {
    "move": "Move the child to alternative provision",
    "stay": "The child stays, with an action plan",
}

# The visit's states, as the workflow names them.
STATE_LABELS: dict[str, str] = {
    "scheduled": "Scheduled",
    "drafting": "Report being written",
    "finalised": "Report finished",
    "distributed": "Report sent",
    "cancelled": "Cancelled",
}
