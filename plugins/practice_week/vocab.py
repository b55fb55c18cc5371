"""The words the plugin offers in forms and shows on pages, kept in one place so a form, a
page and a report always agree (Hillingdon App. B; West Sussex QA activity table)."""

from __future__ import annotations

# Where a leader can watch front-line practice (West Sussex, Havering, Sefton).
EVENTS: dict[str, str] = {
    "home_visit": "Home visit",
    "cp_conference": "Child protection conference",
    "cic_review": "Child-in-care review",
    "core_group": "Core group",
    "supervision": "Supervision",
    "team_meeting": "Team meeting",
    "mash": "MASH (front door)",
    "early_help": "Early help session",
    "youth_justice": "Youth justice session",
}

# Events a family takes part in: written consent before, verbal confirmation on the day.
FAMILY_EVENTS = frozenset({"home_visit", "cp_conference", "cic_review", "core_group",
                           "early_help", "youth_justice"})

# Senior leaders who take part in a practice week, as the QA team lists them.
LEADER_ROLES: dict[str, str] = {
    "dcs": "Director of children's services",
    "lead_member": "Lead member",
    "ad": "Assistant director",
    "hos": "Head of service",
    "service_lead": "Service lead",
}

KINDS: dict[str, str] = {
    "practice_week": "Practice week observation",
    "annual": "Annual observation",
    "asye": "ASYE observation (newly qualified social worker)",
}

STATES: dict[str, str] = {
    "scheduled": "Scheduled",
    "feedback_due": "Written feedback due",
    "reflection_due": "Waiting for the practitioner's reflection",
    "complete": "Complete",
    "cancelled": "Cancelled",
}

# The same states as the practitioner's development file names them (issue 7, item 4).
FILE_STATUS: dict[str, str] = {
    "scheduled": "Planned",
    "feedback_due": "Recorded",
    "reflection_due": "Feedback shared",
    "complete": "Reflected",
    "cancelled": "Cancelled",
}

WEEK_STATES: dict[str, str] = {
    "planning": "Being planned",
    "notified": "Everyone told",
    "closed": "Closed",
}

GRADE_CHOICES: list[tuple[str, str]] = [
    ("outstanding", "Outstanding"),
    ("good", "Good"),
    ("requires_improvement", "Requires improvement"),
    ("inadequate", "Inadequate"),
]
GRADE_LABELS = dict(GRADE_CHOICES)

YES_NO: list[tuple[str, str]] = [("yes", "Yes"), ("no", "No")]

# The practitioner's own reflection (Hillingdon App. B, "Social worker reflection").
REFLECTION: list[tuple[str, str]] = [
    ("achieved_aims", "Did you achieve the aims of the session?"),
    ("went_well", "What do you think you did well?"),
    ("could_improve", "What could you have improved on?"),
    ("how_improve", "How do you intend to do this?"),
    ("unexpected", "Were there any unexpected problems during the observation?"),
]
