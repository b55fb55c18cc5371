"""Staff pages for feedback received: the list (by case code, team, theme, channel), one
response with its answers, and tagging it with themes."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from core.toolkit import (
    FAMILY_CONTACT_OUTCOMES,
    FAMILY_CONTACT_WITH,
    Team,
    ToolNotFound,
    can,
    db,
    get_tool,
    permission_required,
    scoped,
)
from plugins.feedback import vocab
from plugins.feedback.models import FeedbackResponse, ResponseTheme
from plugins.feedback.questions import sections_of, shown
from plugins.feedback.review import STALE, ReviewInvalid, set_themes
from plugins.feedback.settings import themes
from plugins.feedback.views import bp
from plugins.feedback.views.common import get_or_404, me, page_number

VIEW = "feedback.view"
RESPOND = "feedback.respond"
PAGE = 50
FILTERS = ("code", "team", "theme", "channel", "audience")


@bp.get("/")
@permission_required(VIEW)
def index():
    chosen = {name: request.args.get(name, "").strip()[:60] for name in FILTERS}
    page = page_number()
    query = _filtered(scoped(FeedbackResponse, VIEW), chosen)
    rows = db.session.scalars(query.order_by(FeedbackResponse.received_at.desc())
                              .limit(PAGE + 1).offset((page - 1) * PAGE)).all()
    teams = db.session.scalars(scoped(Team, VIEW).order_by(Team.name)).all()
    return render_template(
        "feedback/index.html", responses=rows[:PAGE], more=len(rows) > PAGE, page=page,
        chosen=chosen, teams=teams, themes=themes(), channels=vocab.CHANNELS,
        audiences=vocab.AUDIENCES, occasions=vocab.OCCASIONS, outcomes=FAMILY_CONTACT_OUTCOMES,
        may_request=can("feedback.request"), may_respond=can(RESPOND),
        may_acknowledge=can("feedback.acknowledge"))


def _filtered(query, chosen: dict[str, str]):
    from core.toolkit import Case

    if chosen["code"]:
        query = query.where(FeedbackResponse.case.has(Case.code == chosen["code"].upper()))
    if chosen["team"].isascii() and chosen["team"].isdigit() and len(chosen["team"]) < 10:
        query = query.where(FeedbackResponse.team_id == int(chosen["team"]))
    if chosen["theme"]:
        query = query.where(FeedbackResponse.id.in_(
            select(ResponseTheme.response_id).where(ResponseTheme.theme == chosen["theme"])))
    if chosen["channel"] in vocab.CHANNELS:
        query = query.where(FeedbackResponse.channel == chosen["channel"])
    if chosen["audience"] in vocab.AUDIENCES:
        query = query.where(FeedbackResponse.audience == chosen["audience"])
    return query


@bp.get("/responses/<response_id>")
@permission_required(VIEW)
def response(response_id: str):
    found = get_or_404(FeedbackResponse, response_id, VIEW)
    return _show(found, {}, None)


def _show(found: FeedbackResponse, errors: dict[str, str], chosen: list[str] | None):
    return render_template(
        "feedback/response.html", response=found, answers=answers_of(found), errors=errors,
        chosen=found.theme_names if chosen is None else chosen, themes=themes(),
        audiences=vocab.AUDIENCES, occasions=vocab.OCCASIONS, channels=vocab.CHANNELS,
        contact_with=FAMILY_CONTACT_WITH, outcomes=FAMILY_CONTACT_OUTCOMES,
        may_respond=can(RESPOND, found), may_acknowledge=can("feedback.acknowledge", found),
    ), 400 if errors else 200


def answers_of(found: FeedbackResponse) -> list[tuple[str, str]]:
    """(question, answer) pairs in the order the question set asked them."""
    if not found.tool_key:
        return []
    try:
        sections = sections_of(get_tool(found.tool_key, found.tool_version))
    except ToolNotFound:
        return sorted(found.answers.items())
    return shown(sections, found.answers)


@bp.post("/responses/<response_id>/themes")
@permission_required(RESPOND)
def tag(response_id: str):
    found = get_or_404(FeedbackResponse, response_id, RESPOND)
    chosen = request.form.getlist("themes")
    try:
        set_themes(found, chosen, request.form.get("version", ""), me())
        db.session.commit()
    except ReviewInvalid as invalid:
        db.session.rollback()
        return _show(found, invalid.errors, chosen if "themes" not in invalid.errors
                     or invalid.errors["themes"] != STALE else None)
    except StaleDataError:
        db.session.rollback()
        found = get_or_404(FeedbackResponse, response_id, RESPOND)
        return _show(found, {"themes": STALE}, None)
    flash("Themes saved", "success")
    return redirect(url_for("feedback.response", response_id=found.id))
