"""What a report still needs before it can be finished, as sentences to show the visitor."""

from __future__ import annotations

from plugins.reg44 import answers as tool_answers
from plugins.reg44.carryover import checklist
from plugins.reg44.models import Visit


def missing_parts(visit: Visit) -> list[str]:
    """Everything missing, in the order of the report's sections (empty when complete)."""
    from plugins.reg44.visits import tool_of

    found = []
    if not (visit.children or visit.spoken_to or visit.other_children):
        found.append("record who you spoke to.")
    found += [f"say what {c.case.code} told you." for c in visit.children
              if c.consent and not c.views]
    found += [f"answer '{q.text}' under {d.title}."
              for d, q in tool_answers.missing_answers(tool_of(visit), visit.answers or {})]
    reviews = {r.recommendation_id: r for r in visit.reviews if r.outcome}
    found += [f"say what you found about earlier recommendation {rec.label}."
              for rec in checklist(visit) if rec.id not in reviews]
    if not (visit.safeguarded and visit.safeguarded_reason):
        found.append("give your opinion on whether children are effectively safeguarded.")
    if not (visit.wellbeing and visit.wellbeing_reason):
        found.append("give your opinion on whether the home promotes children's well-being.")
    return found


def section_status(visit: Visit) -> dict[str, str]:
    """Each report section: "done", "started" or "to_do" (for the task list)."""
    from plugins.reg44.visits import tool_of

    unanswered = list(tool_answers.missing_answers(tool_of(visit), visit.answers or {}))
    carried = checklist(visit)
    reviewed = {r.recommendation_id for r in visit.reviews if r.outcome}
    return {
        "people": "done" if (visit.spoken_to or visit.spoken_to_other or visit.other_children)
        else "to_do",
        "children": "done" if visit.children else "to_do",
        "standards": "done" if not unanswered else ("started" if visit.answers else "to_do"),
        "carried": "done" if all(r.id in reviewed for r in carried)
        else ("started" if reviewed else "to_do"),
        "opinion": "done" if visit.safeguarded and visit.wellbeing and visit.safeguarded_reason
        and visit.wellbeing_reason else "to_do",
        "recommendations": "done" if visit.recommendations else "to_do",
    }
