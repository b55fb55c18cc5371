"""Writing a visit's report: each part saved on its own, checked, in the caller's transaction.

Every save names the version of the visit the person started from; a save based on an older
copy raises `Conflict` and changes nothing (someone else saved in between). Children are chosen
by case code from those placed at the home on the day of the visit; their views are recorded
only with their consent.
"""

from __future__ import annotations

from typing import Any

from core.toolkit import Tool, db, fire, get_tool, instances_for
from plugins.reg44 import answers as tool_answers
from plugins.reg44 import clock
from plugins.reg44.carryover import checklist
from plugins.reg44.forms import Conflict, Invalid, Reader
from plugins.reg44.homes import placed_on_day
from plugins.reg44.models import ChildView, Recommendation, RecommendationReview, Visit
from plugins.reg44.settings import child_view_themes
from plugins.reg44.vocab import ANNOUNCED, HOW_SEEN, REVIEW_OUTCOMES, SPOKEN_TO, YES_NO
from plugins.reg44.workflow import KEY, SUBJECT

TEXT_LIMIT = 5000
OTHER_STANDARD = "other"


def tool_of(visit: Visit) -> Tool:
    return get_tool(visit.tool_key, visit.tool_version)


def instance_of(visit: Visit) -> Any:
    return instances_for(SUBJECT, visit.id, KEY)[-1]


def transition(visit: Visit, key: str, by: Any, note: str | None = None) -> None:
    """Fire a workflow transition on the visit (raises `TransitionRefused` with the reason)."""
    fire(instance_of(visit), key, by, note)


def _start(visit: Visit, form: Any) -> Reader:
    r = Reader(form)
    if r.version() != visit.version:
        raise Conflict()
    return r


def _drafting(visit: Visit) -> None:
    if visit.state != "drafting":
        raise Invalid({"state": "The report can be changed only while it is being written"})


def record_visit(visit: Visit, form: Any, by: Any) -> None:
    """The visit took place: its date and whether it was announced; the report clock starts."""
    r = _start(visit, form)
    visited_on = r.date("visited_on", "the date of the visit", not_after=clock.today())
    if visited_on is not None and visited_on < visit.month:
        r.errors["visited_on"] = ("The date of the visit must be in or after "
                                  f"{clock.month_label(visit.month)}, the month it was planned for")
    announced = r.choice("announced", ANNOUNCED, "Select whether the visit was announced")
    r.check()
    visit.visited_on, visit.announced = visited_on, announced
    visit.report_due_at = clock.end_of_month_utc(visited_on)
    transition(visit, "record", by)


def save_people(visit: Visit, form: Any) -> None:
    """Who else the visitor spoke to: staff and others by role, never by name."""
    r = _start(visit, form)
    _drafting(visit)
    spoken_to = r.choices("spoken_to", SPOKEN_TO, "Select who you spoke to from the list")
    other = r.text("spoken_to_other", "who else you spoke to", limit=500, required=False)
    count = r.number("other_children", "the number of other children", 0, 50, required=False)
    r.check()
    visit.spoken_to, visit.spoken_to_other, visit.other_children = spoken_to, other, count
    db.session.flush()


def child_choices(visit: Visit) -> dict[str, str]:
    """Case id -> case code of the children placed at the home on the day of the visit who
    have not been added yet."""
    added = {c.case_id for c in visit.children}
    day = visit.visited_on or clock.today()
    return {p.case_id: p.case.code for p in placed_on_day(visit.home, day)
            if p.case_id not in added}


def add_child(visit: Visit, form: Any) -> ChildView:
    r = _start(visit, form)
    _drafting(visit)
    case_id = r.choice("child", child_choices(visit),
                       "Select a child placed at the home on the day of the visit")
    consent = r.choice("consent", YES_NO, "Select whether the child agreed to share their views")
    how = r.choice("how", HOW_SEEN, "Select how you spoke to the child")
    views = r.text("views", "what the child told you", limit=TEXT_LIMIT, multiline=True,
                   required=consent == "yes")
    themes = r.choices("themes", child_view_themes(), "Select themes from the list")
    if consent == "no" and (views or themes):
        r.errors["views"] = "The child did not agree to share their views: leave them out"
    r.check()
    child = ChildView(visit=visit, case_id=case_id, consent=consent == "yes", how=how,
                      views=views, themes=themes)
    db.session.add(child)
    db.session.flush()
    return child


def remove_child(visit: Visit, child_id: int) -> None:
    _drafting(visit)
    child = next((c for c in visit.children if c.id == child_id), None)
    if child is not None:
        visit.children.remove(child)
        db.session.flush()


def save_standards(visit: Visit, form: Any) -> None:
    """The quality standards and records examined: the tool's answers."""
    r = _start(visit, form)
    _drafting(visit)
    given, errors = tool_answers.read_answers(tool_of(visit), form)
    if errors:
        raise Invalid(errors | r.errors)
    visit.answers = given
    db.session.flush()


def save_reviews(visit: Visit, form: Any) -> None:
    """What this visit found about each recommendation carried over from earlier visits."""
    r = _start(visit, form)
    _drafting(visit)
    found = {}
    for rec in checklist(visit):
        outcome = r.choice(f"outcome-{rec.id}", REVIEW_OUTCOMES,
                           f"Select what you found about recommendation {rec.label}",
                           required=False)
        note = r.text(f"note-{rec.id}", f"a note on recommendation {rec.label}",
                      limit=TEXT_LIMIT, required=False, multiline=True)
        found[rec.id] = (outcome, note)
    r.check()
    existing = {rv.recommendation_id: rv for rv in visit.reviews}
    for rec_id, (outcome, note) in found.items():
        _keep_review(visit, existing.get(rec_id), rec_id, outcome, note)
    db.session.flush()


def _keep_review(visit: Visit, review: RecommendationReview | None, rec_id: int,
                 outcome: str | None, note: str | None) -> None:
    if outcome is None and not note:
        if review is not None:
            visit.reviews.remove(review)
        return
    if review is None:
        review = RecommendationReview(recommendation_id=rec_id)
        visit.reviews.append(review)
    review.outcome, review.note = outcome or "", note


def save_opinion(visit: Visit, form: Any) -> None:
    """The two opinions regulation 44 asks for, with reasons, and the summary."""
    r = _start(visit, form)
    _drafting(visit)
    values = {
        "safeguarded": r.choice("safeguarded", YES_NO,
                                "Select whether children are effectively safeguarded"),
        "safeguarded_reason": r.text("safeguarded_reason", "the reasons for your opinion on "
                                     "safeguarding", limit=TEXT_LIMIT, multiline=True),
        "wellbeing": r.choice("wellbeing", YES_NO,
                              "Select whether the home promotes children's well-being"),
        "wellbeing_reason": r.text("wellbeing_reason", "the reasons for your opinion on "
                                   "well-being", limit=TEXT_LIMIT, multiline=True),
        "summary": r.text("summary", "a summary", limit=TEXT_LIMIT, multiline=True,
                          required=False),
    }
    r.check()
    for name, value in values.items():
        setattr(visit, name, value)
    db.session.flush()


def standards(visit: Visit) -> dict[str, str]:
    """The themes a recommendation may be filed under: the tool's domains, and "other"."""
    return {**{d.code: d.title for d in tool_of(visit).domains}, OTHER_STANDARD: "Other"}


def add_recommendation(visit: Visit, form: Any) -> Recommendation:
    r = _start(visit, form)
    _drafting(visit)
    text = r.text("text", "the recommendation", limit=2000, multiline=True)
    standard = r.choice("standard", standards(visit), "Select the standard it is about")
    r.check()
    number = max((rec.number for rec in visit.recommendations), default=0) + 1
    rec = Recommendation(visit=visit, home_id=visit.home_id, number=number, text=text,
                         standard=standard, created_at=clock.now())
    db.session.add(rec)
    db.session.flush()
    return rec


def remove_recommendation(visit: Visit, rec_id: int) -> None:
    _drafting(visit)
    rec = next((r for r in visit.recommendations if r.id == rec_id), None)
    if rec is None:
        return
    db.session.delete(rec)
    db.session.flush()
    db.session.expire(visit, ["recommendations"])
    for number, left in enumerate(visit.recommendations, start=1):
        left.number = number
    db.session.flush()


def finish(visit: Visit, form: Any, by: Any) -> None:
    """Finish the report (the guard lists what is missing, if anything)."""
    _start(visit, form)
    transition(visit, "finalise", by)


def reopen(visit: Visit, form: Any, by: Any) -> None:
    _start(visit, form)
    transition(visit, "reopen", by)


def cancel(visit: Visit, form: Any, by: Any) -> None:
    r = _start(visit, form)
    reason = r.text("reason", "why the visit is cancelled", limit=500)
    r.check()
    visit.cancelled_reason = reason
    transition(visit, "cancel", by, note=reason)

