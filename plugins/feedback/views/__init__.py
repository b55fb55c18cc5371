"""The plugin's pages: staff pages under /feedback, and the public pages a link opens
(/feedback/v/<token>, a nested blueprint with its own kind error pages)."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint

bp = Blueprint("feedback", __name__, url_prefix="/feedback",
               template_folder=str(Path(__file__).resolve().parent.parent / "templates"))
child_pages = Blueprint("public", __name__, url_prefix="/v")

from plugins.feedback.views import (  # noqa: E402 - the modules add their routes to bp
    alerts,
    cases,
    links,
    public,
    responses,
    settings,
    you_said,
)

bp.register_blueprint(child_pages)

SUB_NAV = (("feedback.index", "Feedback received", "feedback.view"),
           ("feedback.links", "Feedback links", "feedback.request"),
           ("feedback.you_said", "You said, we did", "feedback.view"),
           ("feedback.alerts", "Duty inbox", "feedback.acknowledge"),
           ("feedback.settings", "Duty inbox settings", "feedback.settings"))


@bp.context_processor
def _feedback_nav() -> dict:
    """The plugin's own pages this person may open, for the staff pages' sub-navigation."""
    from core.toolkit import can, current_user

    if not current_user.is_authenticated:
        return {"feedback_nav": []}
    return {"feedback_nav": [(e, text) for e, text, perm in SUB_NAV if can(perm)]}

__all__ = ["alerts", "bp", "cases", "child_pages", "links", "public", "responses", "settings",
           "you_said"]
