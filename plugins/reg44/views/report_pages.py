"""The report's sections, each a page of its own (the visit page is their task list)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for

from core.toolkit import db, permission_required
from plugins.reg44 import answers as tool_answers
from plugins.reg44 import visits as service
from plugins.reg44.carryover import checklist, reviews_by_recommendation
from plugins.reg44.forms import Conflict, Invalid
from plugins.reg44.models import Visit
from plugins.reg44.permissions import VISIT
from plugins.reg44.settings import child_view_themes
from plugins.reg44.views import bp, conflict, invalid
from plugins.reg44.views.visits import writable_visit
from plugins.reg44.vocab import HOW_SEEN, REVIEW_OUTCOMES, SPOKEN_TO, YES_NO

SECTIONS = {
    "people": "Who you spoke to",
    "children": "Children spoken to",
    "standards": "Quality standards and records",
    "carried": "Earlier recommendations",
    "opinion": "Your opinion",
    "recommendations": "Recommendations",
}


def _drafting_visit(visit_id: int) -> Visit:
    visit = writable_visit(visit_id)
    if visit.state != "drafting":
        abort(404)
    return visit


def _context(visit: Visit, section: str) -> dict[str, Any]:
    return {"visit": visit, "section": section, "title": SECTIONS[section],
            "spoken_to": SPOKEN_TO, "how_seen": HOW_SEEN, "yes_no": YES_NO,
            "themes": child_view_themes(), "outcomes": REVIEW_OUTCOMES,
            "tool": service.tool_of(visit), "answers_api": tool_answers,
            "carried": checklist(visit), "reviews": reviews_by_recommendation(visit),
            "children": service.child_choices(visit), "standards": service.standards(visit)}


def _section(visit_id: int, section: str, save: Callable[[Visit], Any],
             initial: Callable[[Visit], dict], stay: bool = False):
    """GET shows the section; POST saves it and goes back to the task list (or stays)."""
    visit = _drafting_visit(visit_id)
    template = f"reg44/section_{section}.html"
    if request.method == "GET":
        return render_template(template, errors={}, form=initial(visit),
                               **_context(visit, section))
    try:
        save(visit)
    except Conflict:
        return conflict("this report")
    except Invalid as exc:
        return invalid(template, exc.errors, form=request.form, **_context(visit, section))
    db.session.commit()
    flash(f"{SECTIONS[section]}: saved.", "success")
    if stay:
        return redirect(url_for(f"reg44.section_{section}", visit_id=visit.id))
    return redirect(url_for("reg44.visit", visit_id=visit.id))


@bp.route("/visits/<int:visit_id>/people", methods=["GET", "POST"])
@permission_required(VISIT)
def section_people(visit_id: int):
    return _section(visit_id, "people", lambda v: service.save_people(v, request.form),
                    lambda v: {"spoken_to": v.spoken_to or [],
                               "spoken_to_other": v.spoken_to_other or "",
                               "other_children": "" if v.other_children is None
                               else str(v.other_children)})


@bp.route("/visits/<int:visit_id>/children", methods=["GET", "POST"])
@permission_required(VISIT)
def section_children(visit_id: int):
    return _section(visit_id, "children", lambda v: service.add_child(v, request.form),
                    lambda v: {}, stay=True)


@bp.post("/visits/<int:visit_id>/children/<int:child_id>/remove")
@permission_required(VISIT)
def remove_child(visit_id: int, child_id: int):
    visit = _drafting_visit(visit_id)
    service.remove_child(visit, child_id)
    db.session.commit()
    return redirect(url_for("reg44.section_children", visit_id=visit.id))


def _answers_form(visit: Visit) -> dict[str, Any]:
    tool, given, form = service.tool_of(visit), visit.answers or {}, {}
    for domain in tool.domains:
        if given.get(tool_answers.na_key(domain)):
            form[tool_answers.na_field(domain)] = "yes"
        for question in domain.questions:
            form.update(_answer_fields(question, given.get(question.code)))
    return form


def _answer_fields(question: Any, value: Any) -> dict[str, str]:
    name = tool_answers.field_name(question)
    if question.type != "date" or not value:
        return {name: "" if value is None else str(value)}
    year, month, day = value.split("-")
    return {f"{name}-day": str(int(day)), f"{name}-month": str(int(month)), f"{name}-year": year}


@bp.route("/visits/<int:visit_id>/standards", methods=["GET", "POST"])
@permission_required(VISIT)
def section_standards(visit_id: int):
    return _section(visit_id, "standards", lambda v: service.save_standards(v, request.form),
                    _answers_form)


@bp.route("/visits/<int:visit_id>/carried", methods=["GET", "POST"])
@permission_required(VISIT)
def section_carried(visit_id: int):
    def initial(visit: Visit) -> dict[str, str]:
        form = {}
        for rec_id, review in reviews_by_recommendation(visit).items():
            form[f"outcome-{rec_id}"], form[f"note-{rec_id}"] = review.outcome, review.note or ""
        return form

    return _section(visit_id, "carried", lambda v: service.save_reviews(v, request.form),
                    initial)


@bp.route("/visits/<int:visit_id>/opinion", methods=["GET", "POST"])
@permission_required(VISIT)
def section_opinion(visit_id: int):
    return _section(visit_id, "opinion", lambda v: service.save_opinion(v, request.form),
                    lambda v: {"safeguarded": v.safeguarded or "",
                               "safeguarded_reason": v.safeguarded_reason or "",
                               "wellbeing": v.wellbeing or "",
                               "wellbeing_reason": v.wellbeing_reason or "",
                               "summary": v.summary or ""})


@bp.route("/visits/<int:visit_id>/recommendations", methods=["GET", "POST"])
@permission_required(VISIT)
def section_recommendations(visit_id: int):
    return _section(visit_id, "recommendations",
                    lambda v: service.add_recommendation(v, request.form), lambda v: {},
                    stay=True)


@bp.post("/visits/<int:visit_id>/recommendations/<int:rec_id>/remove")
@permission_required(VISIT)
def remove_recommendation(visit_id: int, rec_id: int):
    visit = _drafting_visit(visit_id)
    service.remove_recommendation(visit, rec_id)
    db.session.commit()
    return redirect(url_for("reg44.section_recommendations", visit_id=visit.id))
