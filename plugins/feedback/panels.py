"""The feedback panel other activities show on their page of a case (an audit's page shows
what the child and family said about the same case), through `qa_case_panels`."""

from __future__ import annotations

from typing import Any

from flask import url_for
from sqlalchemy import func, select

from core.toolkit import (
    FAMILY_CONTACT_OUTCOMES,
    FAMILY_CONTACT_WITH,
    CasePanel,
    PanelAction,
    PanelItem,
    can,
    db,
    format_london,
)
from plugins.feedback import vocab
from plugins.feedback.models import DisclosureAlert, FeedbackResponse

SHOWN = 10
EXCERPT = 140


def case_panel(case: Any, user: Any) -> CasePanel | None:
    """The panel for `case`, or None when the user may not see feedback for it."""
    if not can("feedback.view", case, user=user):
        return None
    responses = db.session.scalars(
        select(FeedbackResponse).filter_by(case_id=case.id)
        .order_by(FeedbackResponse.received_at.desc()).limit(SHOWN)).all()
    return CasePanel("feedback.case", "Child and family feedback", "feedback.view",
                     items=tuple(_item(r) for r in responses), actions=_actions(case, user),
                     summary=_summary(case), empty="No feedback about this case yet.")


def _item(response: FeedbackResponse) -> PanelItem:
    return PanelItem(format_london(response.received_at, "%-d %B %Y"), describe(response),
                     hint=_excerpt(response),
                     url=_path("feedback.response", response_id=response.id))


def describe(response: FeedbackResponse) -> str:
    """e.g. "Online form from a child aged 8 to 12, about my social worker: 6.7 out of 10"."""
    channel = vocab.CHANNELS[response.channel]
    if response.channel != "link":
        who = FAMILY_CONTACT_WITH.get(response.with_whom or "", "the family")
        outcome = FAMILY_CONTACT_OUTCOMES.get(response.outcome or "", "")
        return f"{channel} with {who.lower()}: {outcome.lower()}"
    who = vocab.AUDIENCES.get(response.audience or "", "")
    about = vocab.OCCASIONS.get(response.occasion or "", "").lower()
    text = f"{channel} ({who}, {about})"
    return text + (f": {response.rating:g} out of 10" if response.rating is not None else "")


def _excerpt(response: FeedbackResponse) -> str:
    text = response.summary or next((v for v in response.answers.values() if len(v) > 20), "")
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1].rstrip() + "…"


def _summary(case: Any) -> str:
    count, mean = db.session.execute(
        select(func.count(FeedbackResponse.id), func.avg(FeedbackResponse.rating))
        .where(FeedbackResponse.case_id == case.id)).one()
    alerts = db.session.scalar(select(func.count(DisclosureAlert.id))
                               .where(DisclosureAlert.case_id == case.id))
    if not count:
        return ""
    parts = [f"{count} piece{'s' if count != 1 else ''} of feedback"]
    if mean is not None:
        parts.append(f"average rating {float(mean):.1f} out of 10")
    if alerts:
        parts.append(f"{alerts} safeguarding alert{'s' if alerts != 1 else ''}")
    return "; ".join(parts) + "."


def _actions(case: Any, user: Any) -> tuple[PanelAction, ...]:
    actions = [PanelAction("All feedback for this case", _path("feedback.case", code=case.code))]
    if can("feedback.request", case, user=user):
        actions += [PanelAction("Record a telephone call",
                                _path("feedback.record_call_view", code=case.code)),
                    PanelAction("Create a feedback link",
                                _path("feedback.new_link", code=case.code))]
    return tuple(actions)


def _path(endpoint: str, **values: Any) -> str:
    """A path inside the service, even outside a request (a job, a test)."""
    return url_for(endpoint, _external=False, **values)
