"""The plugin's pages: one blueprint, `reg44`, at /reg44, split by what each page is about.

Every view declares its permission; objects are found through `access.py`, which answers 404
for anything outside the person's reach. Forms re-render with a GOV.UK error summary (400), a
save based on an older copy of the record gets a conflict page (409) and changes nothing.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from sqlalchemy.orm.exc import StaleDataError

from core.toolkit import can, db, format_london
from plugins.reg44 import clock
from plugins.reg44.forms import date_parts
from plugins.reg44.vocab import (
    FREQUENCIES,
    HOME_KINDS,
    OFSTED_JUDGEMENTS,
    STATE_LABELS,
)

bp = Blueprint("reg44", __name__, url_prefix="/reg44", template_folder="../templates")


def conflict(what: str = "this record") -> tuple[str, int]:
    """Someone saved first: nothing of this person's was written."""
    db.session.rollback()
    return render_template("reg44/conflict.html", what=what), 409


@bp.errorhandler(StaleDataError)
def _stale(error: StaleDataError) -> tuple[str, int]:
    """Two saves of the same row at once: the version check refused the second."""
    return conflict()


def invalid(template: str, errors: dict[str, str], **context: Any) -> tuple[str, int]:
    db.session.rollback()
    return render_template(template, errors=errors, **context), 400


@bp.app_template_filter("reg44_date")
def _date(value: Any) -> str:
    return value.strftime("%-d %B %Y") if value else ""


@bp.app_template_filter("reg44_moment")
def _moment(value: Any) -> str:
    return format_london(value) if value else ""


@bp.app_template_filter("reg44_month")
def _month(value: Any) -> str:
    return clock.month_label(value) if value else ""


@bp.app_template_global("reg44_can")
def _can(permission: str) -> bool:
    """Whether the signed-in person holds a permission anywhere (for links between pages)."""
    return can(permission)


@bp.app_context_processor
def _vocab() -> dict[str, Any]:
    return {"reg44_states": STATE_LABELS, "reg44_kinds": HOME_KINDS,
            "reg44_judgements": OFSTED_JUDGEMENTS,
            "reg44_frequencies": {k: v[0] for k, v in FREQUENCIES.items()},
            "reg44_date_parts": date_parts, "reg44_list": _as_list}


def _as_list(form: Any, name: str) -> list[str]:
    """A multi-valued field from a submitted form or from a dict of stored values."""
    if hasattr(form, "getlist"):
        return form.getlist(name)
    return list(form.get(name) or [])


from plugins.reg44.views import (  # noqa: E402 - the routes register themselves on `bp`
    homes,
    report_pages,
    reports,
    schedule,
    scrutiny,
    sharing,
    visits,
)

__all__ = ["bp", "homes", "report_pages", "reports", "schedule", "scrutiny", "sharing", "visits"]
