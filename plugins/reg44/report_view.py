"""The visit report as data: what the report page and the PDF both show.

Children appear by case code only; staff and others by role. The protective marking is
OFFICIAL-SENSITIVE (SECURITY.md: Regulation 44 reports).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from plugins.reg44 import answers as tool_answers
from plugins.reg44.carryover import checklist, reviews_by_recommendation
from plugins.reg44.models import Visit
from plugins.reg44.settings import child_view_themes
from plugins.reg44.vocab import (
    ANNOUNCED,
    HOW_SEEN,
    METHODS,
    OFSTED_JUDGEMENTS,
    RECIPIENTS,
    REVIEW_OUTCOMES,
    SPOKEN_TO,
    YES_NO,
)

MARKING = "OFFICIAL-SENSITIVE"


@dataclass(frozen=True)
class Answered:
    """One question of the tool and the answer given, as printed."""

    text: str
    answer: str


@dataclass(frozen=True)
class StandardPart:
    code: str
    title: str
    not_applicable: bool
    answers: tuple[Answered, ...]


def standards_part(visit: Visit) -> list[StandardPart]:
    from plugins.reg44.visits import tool_of

    given = visit.answers or {}
    parts = []
    for domain in tool_of(visit).domains:
        answered = tuple(Answered(q.text, tool_answers.shown(q, given.get(q.code)))
                         for q in domain.questions)
        parts.append(StandardPart(domain.code, domain.title,
                                  bool(given.get(tool_answers.na_key(domain))), answered))
    return parts


def children_part(visit: Visit) -> list[dict[str, Any]]:
    themes = child_view_themes()
    return [{"code": c.case.code, "consent": c.consent, "how": HOW_SEEN.get(c.how or "", ""),
             "views": c.views if c.consent else None,
             "themes": [themes.get(t, t) for t in c.themes or []]} for c in visit.children]


def people_part(visit: Visit) -> dict[str, Any]:
    return {"roles": [SPOKEN_TO[k] for k in visit.spoken_to or [] if k in SPOKEN_TO],
            "other": visit.spoken_to_other, "other_children": visit.other_children}


def report_context(visit: Visit) -> dict[str, Any]:
    """Everything the report shows, ready for a template."""
    from plugins.reg44.visits import standards

    home = visit.home
    return {
        "visit": visit, "home": home, "marking": MARKING, "protective_marking": MARKING,
        "judgement": OFSTED_JUDGEMENTS.get(home.ofsted_judgement or "", "Not recorded"),
        "announced": ANNOUNCED.get(visit.announced or "", ""),
        "people": people_part(visit), "children": children_part(visit),
        "standards": standards_part(visit), "carried": checklist(visit),
        "reviews": reviews_by_recommendation(visit), "outcomes": REVIEW_OUTCOMES,
        "yes_no": YES_NO, "recipients": RECIPIENTS, "methods": METHODS,
        "standard_titles": standards(visit),
    }
