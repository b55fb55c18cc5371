"""Telephone feedback: calls staff record here, and calls other activities share.

Sefton asks for family feedback by phone on every audit; whether the family spoke, declined or
could not be reached is itself worth counting. An audit plugin records its call in its own
tables and shares it through `toolkit.share_family_feedback`; `on_family_feedback` keeps one
response per shared contact (a second share of the same contact updates it).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import select

from core.toolkit import (
    FAMILY_CONTACT_OUTCOMES,
    FAMILY_CONTACT_WITH,
    Case,
    FamilyFeedback,
    db,
)
from plugins.feedback import clock, disclosure
from plugins.feedback.alerts import raise_alert
from plugins.feedback.models import FeedbackResponse
from plugins.feedback.questions import clean_text

MAX_SUMMARY = 5000
MAX_REFERENCE = 60


class CallInvalid(ValueError):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(errors))
        self.errors = errors


def record_call(case: Case, form: Mapping[str, str], user: Any) -> FeedbackResponse:
    """Keep a call staff made; raise an alert if the summary reads like a disclosure."""
    fields = _checked(form)
    return _checked_for_harm(_new(case, "telephone", recorded_by_id=user.id, **fields))


def on_family_feedback(feedback: FamilyFeedback) -> FeedbackResponse:
    """Keep (or update) a contact another activity shared; its words are checked like any
    other feedback, once per contact."""
    found = db.session.scalar(select(FeedbackResponse).filter_by(
        activity=feedback.activity, reference=feedback.reference))
    values = {"with_whom": feedback.with_whom, "outcome": feedback.outcome,
              "contacted_on": feedback.contacted_on,
              "summary": clean_text(feedback.summary or "") or None,
              "recorded_by_id": getattr(feedback.recorded_by, "id", None)}
    if found is None:
        found = _new(feedback.case, "audit_call", activity=feedback.activity,
                     reference=feedback.reference, **values)
    else:
        for name, value in values.items():
            setattr(found, name, value)
    return _checked_for_harm(found)


def _checked_for_harm(response: FeedbackResponse) -> FeedbackResponse:
    phrases = disclosure.matches([response.summary or ""])
    if phrases and response.alert is None:
        raise_alert(response, ["phrase"], phrases)
    return response


def _new(case: Case, channel: str, **values: Any) -> FeedbackResponse:
    response = FeedbackResponse(
        case_id=case.id, channel=channel, occasion="audit" if values.get("reference") else
        "service", audience=_audience(values["with_whom"]), received_at=clock.now(), **values)
    response.place_from(case)
    db.session.add(response)
    db.session.flush()
    return response


def _audience(with_whom: str) -> str | None:
    return {"parent_carer": "parent_carer"}.get(with_whom)


def _checked(form: Mapping[str, str]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    with_whom, outcome = form.get("with_whom", ""), form.get("outcome", "")
    if with_whom not in FAMILY_CONTACT_WITH:
        errors["with_whom"] = "Select who the call was with"
    if outcome not in FAMILY_CONTACT_OUTCOMES:
        errors["outcome"] = "Select how the call went"
    contacted_on = _date(form, errors)
    summary = clean_text(form.get("summary", ""))
    if outcome == "spoke" and not summary:
        errors["summary"] = "Summarise what they told you"
    elif len(summary) > MAX_SUMMARY:
        errors["summary"] = f"Use {MAX_SUMMARY} characters or fewer"
    reference = clean_text(form.get("reference", ""))
    if len(reference) > MAX_REFERENCE:
        errors["reference"] = f"Use {MAX_REFERENCE} characters or fewer"
    if errors:
        raise CallInvalid(errors)
    return {"with_whom": with_whom, "outcome": outcome, "contacted_on": contacted_on,
            "summary": summary or None, "reference": reference or None}


def _date(form: Mapping[str, str], errors: dict[str, str]) -> date | None:
    parts = [form.get(f"contacted_{p}", "").strip() for p in ("day", "month", "year")]
    if not all(p.isascii() and p.isdigit() and len(p) <= 4 for p in parts):
        errors["contacted"] = "Enter the date of the call, for example 27 3 2026"
        return None
    try:
        day = date(int(parts[2]), int(parts[1]), int(parts[0]))
    except ValueError:
        errors["contacted"] = "The date of the call must be a real date"
        return None
    if day > clock.today():
        errors["contacted"] = "The date of the call must be today or in the past"
    return day
