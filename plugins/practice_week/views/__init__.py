"""The plugin's pages: one blueprint, `practice_week`, at /practice_week.

Every view declares its permission; records are found through `access.py`, which answers 404
for anything outside the person's reach. Forms re-render with a GOV.UK error summary (400); a
save based on an older copy of a record gets a conflict page (409) and changes nothing.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from sqlalchemy.orm.exc import StaleDataError

from core.toolkit import can, db
from plugins.practice_week import clock
from plugins.practice_week.forms import date_parts
from plugins.practice_week.vocab import (
    EVENTS,
    GRADE_LABELS,
    KINDS,
    LEADER_ROLES,
    STATES,
    WEEK_STATES,
)

bp = Blueprint("practice_week", __name__, url_prefix="/practice_week",
               template_folder="../templates")


def conflict() -> tuple[str, int]:
    db.session.rollback()
    return render_template("practice_week/conflict.html"), 409


@bp.errorhandler(StaleDataError)
def _stale(error: StaleDataError) -> tuple[str, int]:
    """Someone saved the same record first: nothing of this person's was written."""
    return conflict()


def invalid(template: str, errors: dict[str, str], **context: Any) -> tuple[str, int]:
    db.session.rollback()
    return render_template(template, errors=errors, **context), 400


@bp.app_template_filter("pw_date")
def _date(value: Any) -> str:
    return value.strftime("%-d %B %Y") if value else ""


@bp.app_template_filter("pw_when")
def _when(value: Any) -> str:
    return clock.london(value).strftime("%-d %B %Y, %H:%M") if value else ""


@bp.app_template_filter("pw_time")
def _time(value: Any) -> str:
    return clock.london(value).strftime("%H:%M") if value else ""


@bp.app_template_global("pw_can")
def _can(permission: str, obj: Any = None) -> bool:
    return can(permission, obj)


@bp.app_context_processor
def _vocab() -> dict[str, Any]:
    return {"pw_events": EVENTS, "pw_kinds": KINDS, "pw_states": STATES,
            "pw_week_states": WEEK_STATES, "pw_leader_roles": LEADER_ROLES,
            "pw_grades": GRADE_LABELS, "pw_date_parts": date_parts, "pw_list": _as_list}


def _as_list(form: Any, name: str) -> list[str]:
    """A multi-valued field from a submitted form or from a dict of stored values."""
    if hasattr(form, "getlist"):
        return form.getlist(name)
    return list(form.get(name) or [])


from plugins.practice_week.views import audits, observations, people, reports, weeks  # noqa: E402

__all__ = ["audits", "bp", "observations", "people", "reports", "weeks"]
