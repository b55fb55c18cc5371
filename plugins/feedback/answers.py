"""Receiving a form sent through a link: check it, keep it, use up the link, raise an alert
when it needs a person today. One transaction: the answers, the used link and the alert are
saved together or not at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from core.toolkit import Tool, db, get_tool
from plugins.feedback import clock, disclosure
from plugins.feedback.alerts import raise_alert
from plugins.feedback.models import DisclosureAlert, FeedbackLink, FeedbackResponse
from plugins.feedback.questions import (
    Section,
    feels_unsafe,
    rating,
    read_answers,
    sections_of,
    written,
)
from plugins.feedback.settings import setting
from plugins.feedback.tokens import claim


@dataclass
class Received:
    """What happened to a sent form."""

    errors: dict[str, str] = field(default_factory=dict)
    answers: dict[str, str] = field(default_factory=dict)
    response: FeedbackResponse | None = None
    alert: DisclosureAlert | None = None
    too_late: bool = False  # used, withdrawn or expired while the form was open


def tool_of(link: FeedbackLink) -> Tool:
    return get_tool(link.tool_key, link.tool_version)


def form_of(link: FeedbackLink) -> list[Section]:
    return sections_of(tool_of(link))


def receive(link: FeedbackLink, form: Mapping[str, str], talk: bool) -> Received:
    """Keep the answers if they are sound (all optional when the child asked to talk)."""
    sections = form_of(link)
    answers, errors = read_answers(sections, form, setting("MAX_TEXT"), require=not talk)
    if errors:
        return Received(errors=errors, answers={**answers})
    now = clock.now()
    if not claim(link, now):
        return Received(too_late=True)
    response = _response(link, sections, answers, talk, now)
    reasons, phrases = _alarm(sections, answers, talk)
    alert = raise_alert(response, reasons, phrases) if reasons else None
    return Received(answers=answers, response=response, alert=alert)


def _response(link: FeedbackLink, sections: list[Section], answers: dict[str, str],
              talk: bool, now) -> FeedbackResponse:
    response = FeedbackResponse(
        link_id=link.id, case_id=link.case_id, channel="link", audience=link.audience,
        occasion=link.occasion, tool_key=link.tool_key, tool_version=link.tool_version,
        rating=rating(sections, answers), asked_to_talk=talk, received_at=now,
        partnership_id=link.partnership_id, agency_id=link.agency_id, team_id=link.team_id)
    response.answers = answers
    db.session.add(response)
    db.session.flush()
    return response


def _alarm(sections: list[Section], answers: dict[str, str],
           talk: bool) -> tuple[list[str], list[str]]:
    """Why this needs a person today (reasons), and which listed phrases matched."""
    phrases = disclosure.matches(written(sections, answers))
    reasons = [r for r, yes in (("talk", talk), ("phrase", bool(phrases)),
                                ("unsafe", feels_unsafe(sections, answers))) if yes]
    return reasons, phrases
