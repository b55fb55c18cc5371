"""The words feedback is recorded in: who answers, on what occasion, channels and themes.

Which question set (tool) a link uses follows from who it is for and the occasion: children
and care leavers answer the set for their age whatever the occasion (the page says what it is
about); parents and carers answer the set for the occasion (Haringey MOMO and CP conference
feedback; Havering feedback templates).
"""

from __future__ import annotations

AUDIENCES: dict[str, str] = {
    "child_under_8": "Child under 8",
    "child_8_to_12": "Child aged 8 to 12",
    "child_13_plus": "Young person aged 13 or over",
    "care_leaver": "Care leaver",
    "parent_carer": "Parent or carer",
}
CHILD_AUDIENCES = ("child_under_8", "child_8_to_12", "child_13_plus", "care_leaver")

CHILD_OCCASIONS: dict[str, str] = {
    "before_review": "Before my review",
    "social_worker": "About my social worker",
    "plan": "About my plan",
    "any_time": "Any time",
}
ADULT_OCCASIONS: dict[str, str] = {
    "cp_conference": "After a child protection conference",
    "meeting": "After a meeting",
    "service": "About the service",
}
OCCASIONS: dict[str, str] = {**CHILD_OCCASIONS, **ADULT_OCCASIONS, "audit": "During an audit"}

# What the child's page says the questions are about, in the child's words.
ABOUT: dict[str, str] = {
    "before_review": "your review meeting",
    "social_worker": "your social worker",
    "plan": "your plan",
    "any_time": "how things are going",
    "cp_conference": "the child protection conference",
    "meeting": "the meeting",
    "service": "the help your family gets from us",
}

CHILD_TOOLS: dict[str, str] = {
    "child_under_8": "feedback.child_under_8",
    "child_8_to_12": "feedback.child_8_to_12",
    "child_13_plus": "feedback.child_13_plus",
    "care_leaver": "feedback.care_leaver",
}
PARENT_TOOLS: dict[str, str] = {
    "cp_conference": "feedback.parent_cp_conference",
    "meeting": "feedback.parent_meeting",
    "service": "feedback.parent_service",
}

CHANNELS: dict[str, str] = {
    "link": "Online form",
    "telephone": "Telephone call",
    "audit_call": "Call during an audit",
}

LINK_DAYS: dict[int, str] = {7: "1 week", 14: "2 weeks", 28: "4 weeks"}

# Themes staff tag feedback with (a deployment may replace them: FEEDBACK["THEMES"]).
THEMES: tuple[str, ...] = (
    "Being listened to",
    "Seeing my worker",
    "Change of worker",
    "Understanding my plan",
    "Meetings and reviews",
    "Family time and contact",
    "Where I live",
    "School, college or work",
    "Health and wellbeing",
    "Feeling safe",
    "Communication and keeping in touch",
    "Timeliness",
    "Respect and kindness",
    "Money and housing",
)

# Face scales: a choice question whose choices are exactly one of these is shown with faces
# and scored (the first choice is the best). Faces are decoration; the words are the answer.
FACE_SCALES: dict[tuple[str, ...], tuple[str, ...]] = {
    ("Happy", "In the middle", "Sad"): ("😀", "😐", "🙁"),
    ("Yes", "Sometimes", "No"): ("👍", "🤔", "👎"),
    ("Really good", "Good", "OK", "Not good", "Really bad"): ("😁", "🙂", "😐", "🙁", "😣"),
}
# Scales scored but shown without faces (the adult question sets).
PLAIN_SCALES: tuple[tuple[str, ...], ...] = (
    ("Strongly agree", "Agree", "Neither agree nor disagree", "Disagree", "Strongly disagree"),
    ("Very good", "Good", "OK", "Poor", "Very poor"),
)


def occasions_for(audience: str) -> dict[str, str]:
    """The occasions a link for this audience may be about."""
    return ADULT_OCCASIONS if audience == "parent_carer" else CHILD_OCCASIONS


def tool_key_for(audience: str, occasion: str) -> str:
    """The question set a link for this audience and occasion uses."""
    if audience == "parent_carer":
        return PARENT_TOOLS[occasion]
    return CHILD_TOOLS[audience]


def is_child(audience: str | None) -> bool:
    return audience in CHILD_AUDIENCES
