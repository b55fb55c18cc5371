"""Sharing a conversation with a child or family between activities.

An audit plugin records its telephone call to the family in its own tables and then calls
`share_family_feedback(...)`; core checks the values and tells every enabled plugin through
`qa_on_family_feedback`, so the feedback plugin can count the call with the rest of the
child's and family's views without either plugin importing the other. Nothing is written
here: listeners write in the caller's transaction.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import current_app

from core.contributions import FamilyFeedback

FAMILY_CONTACT_WITH = {
    "parent_carer": "Parent or carer",
    "child": "Child or young person",
    "both": "Parent or carer, and the child",
    "other": "Someone else in the family",
}
FAMILY_CONTACT_OUTCOMES = {
    "spoke": "Spoke to them",
    "declined": "They declined",
    "no_contact": "Could not reach them",
}
MAX_REFERENCE = 60
MAX_SUMMARY = 5000


def share_family_feedback(case: Any, *, activity: str, reference: str, with_whom: str,
                          outcome: str, contacted_on: date, summary: str = "",
                          recorded_by: Any = None) -> FamilyFeedback:
    """Tell the other plugins about a contact with a child or family, in the caller's
    transaction (the caller commits). Raises ValueError naming the field that is wrong."""
    _check(activity, reference, with_whom, outcome, contacted_on, summary)
    feedback = FamilyFeedback(case=case, activity=activity, reference=reference,
                              with_whom=with_whom, outcome=outcome, contacted_on=contacted_on,
                              summary=summary or "", recorded_by=recorded_by)
    current_app.extensions["plugins"].fire("qa_on_family_feedback", feedback=feedback)
    return feedback


def _check(activity: str, reference: str, with_whom: str, outcome: str, contacted_on: date,
           summary: str) -> None:
    if not activity or len(activity) > 40:
        raise ValueError("activity: give the plugin key of the activity")
    if not reference or len(reference) > MAX_REFERENCE:
        raise ValueError(f"reference: give the activity's code for the contact "
                         f"(up to {MAX_REFERENCE} characters)")
    if with_whom not in FAMILY_CONTACT_WITH:
        raise ValueError(f"with_whom: one of {', '.join(FAMILY_CONTACT_WITH)}")
    if outcome not in FAMILY_CONTACT_OUTCOMES:
        raise ValueError(f"outcome: one of {', '.join(FAMILY_CONTACT_OUTCOMES)}")
    if not isinstance(contacted_on, date):
        raise ValueError("contacted_on: give the date of the contact")
    if summary and len(summary) > MAX_SUMMARY:
        raise ValueError(f"summary: up to {MAX_SUMMARY} characters")
