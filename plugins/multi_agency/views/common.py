"""What every multi-agency page shares: the blueprint, reading forms, saving in one
transaction and turning refusals into pages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request
from sqlalchemy.orm.exc import StaleDataError

from core.toolkit import current_user, db
from plugins.multi_agency.deadlines import deadline_of, gov_date, submitted_late, submitted_on
from plugins.multi_agency.problems import Invalid, Refused

bp = Blueprint("multi_agency", __name__, url_prefix="/multi-agency",
               template_folder="../templates")
STALE = "Someone else changed this audit while you were working on it. Nothing of yours " \
        "was saved: check the page and make your change again."


@bp.context_processor
def deadline_helpers() -> dict[str, Any]:
    """The deadline helpers every page of the blueprint may use, so a template can say
    whether the deadline has passed or a return came in late without each view passing it."""
    return {"deadline_of": deadline_of, "gov_date": gov_date, "submitted_late": submitted_late,
            "submitted_on": submitted_on}


def me() -> Any:
    return current_user._get_current_object()


def form_text(name: str) -> str | None:
    return request.form.get(name)


def form_int(name: str) -> int | None:
    value = (request.form.get(name) or "").strip()
    return int(value) if value.isdigit() and len(value) < 9 else None


def form_date(name: str, errors: dict[str, str], label: str) -> date | None:
    """A GOV.UK date input (`name-day`, `name-month`, `name-year`); blank is None."""
    parts = [(request.form.get(f"{name}-{p}") or "").strip() for p in ("day", "month", "year")]
    if not any(parts):
        return None
    if not all(p.isdigit() for p in parts):
        errors[name] = f"{label} must be a real date, like 27 3 2026"
        return None
    day, month, year = (int(p) for p in parts)
    try:
        if year < 2000 or year > 2100:
            raise ValueError
        return date(year, month, day)
    except ValueError:
        errors[name] = f"{label} must be a real date, like 27 3 2026"
        return None


def refused_page(exc: Refused, back: str):
    if exc.kind == "missing":
        abort(404)
    return render_template("multi_agency/refused.html", message=exc.message,
                           back=back), exc.status


def attempt(change: Callable[[], Any], success: str, target: str | Callable[[], str],
            page: Callable[[dict[str, str]], Any], errors: dict[str, str] | None = None):
    """Run `change` and commit it as one transaction, then go to `target`.

    Bad fields re-render the form (400) with a message per field; a refusal shows why (403 or
    409); a stale save (someone else saved first) is refused with 409 and nothing lost.
    `target` may be a function, for a page that exists only once the change is made.
    """
    back = request.path if callable(target) else target
    if errors:
        return page(_with_service_errors(change, errors)), 400
    try:
        change()
        db.session.commit()
    except Invalid as exc:
        db.session.rollback()
        return page(exc.errors), 400
    except Refused as exc:
        db.session.rollback()
        return refused_page(exc, back)
    except StaleDataError:
        db.session.rollback()
        return render_template("multi_agency/refused.html", message=STALE, back=back), 409
    flash(success, "success")
    return redirect(target() if callable(target) else target, 303)


def check_version(obj: Any) -> None:
    """Refuse a save made from a page that showed an older version of `obj`."""
    seen = form_int("version")
    if seen is not None and seen != obj.version:
        raise Refused(STALE, "stale")


def _with_service_errors(change: Callable[[], Any], errors: dict[str, str]) -> dict[str, str]:
    """Fields the form could not read (a half-typed date) plus what the service says of the
    rest, so the person sees every problem at once. Nothing the change wrote is kept."""
    try:
        change()
    except Invalid as exc:
        errors = {**exc.errors, **errors}
    except (Refused, StaleDataError):
        pass
    finally:
        db.session.rollback()
    return errors
