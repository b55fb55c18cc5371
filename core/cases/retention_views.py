"""Retention pages: what is due for destruction, the last destructions, each partnership's
period, and putting a case under legal hold (or lifting it) with a reason."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from core.cases import retention
from core.cases.views import bp, find_case
from core.extensions import db
from core.identity.access import permission_required, require, visible_partnerships
from core.identity.models import Partnership

MANAGE = "retention.manage"
HOLD = "cases.legal_hold"
WINDOW_DAYS = 90


def _me() -> Any:
    return current_user._get_current_object()


def _partnerships() -> list[Partnership]:
    return list(db.session.scalars(visible_partnerships(MANAGE)))


def _page(errors: dict[str, str] | None = None, status: int = 200):
    partnerships = _partnerships()
    ids = {p.id for p in partnerships}
    years = retention.years_by_partnership()
    return render_template(
        "cases/retention.html", partnerships=partnerships, years=years,
        due=retention.upcoming(ids, retention.next_window(WINDOW_DAYS)),
        records=retention.last_destructions(ids), window=WINDOW_DAYS, errors=errors or {},
        names={p.id: p.name for p in partnerships}, min_years=retention.MIN_YEARS,
        max_years=retention.MAX_YEARS,
    ), status


@bp.get("/retention")
@permission_required(MANAGE)
def retention_overview():
    return _page()


@bp.post("/retention/<int:partnership_id>/period")
@permission_required(MANAGE)
def retention_period(partnership_id: int):
    """Give a partnership its own retention period (whole years)."""
    partnership = db.session.get(Partnership, partnership_id)
    if partnership is None:
        abort(404)
    require(MANAGE, partnership)
    raw = (request.form.get("years") or "").strip()
    field = f"years-{partnership.id}"
    if not raw.isdigit() or not retention.MIN_YEARS <= int(raw) <= retention.MAX_YEARS:
        return _page({field: f"Years must be a whole number from {retention.MIN_YEARS} to "
                             f"{retention.MAX_YEARS}"}, status=400)
    retention.set_years(partnership, int(raw), _me())
    db.session.commit()
    flash(f"{partnership.name} now keeps closed cases for {raw} years", "success")
    return redirect(url_for("cases.retention_overview"))


@bp.route("/<code>/legal-hold", methods=["GET", "POST"])
@permission_required(HOLD)
def legal_hold(code: str):
    case = find_case(code)
    require(HOLD, case)
    errors: dict[str, str] = {}
    if request.method == "POST":
        on = request.form.get("on") == "yes"
        errors = retention.set_legal_hold(case, on, request.form.get("reason"), _me())
        if not errors:
            db.session.commit()
            flash("Legal hold placed: this case will not be destroyed" if on
                  else "Legal hold lifted", "success")
            return redirect(url_for("cases.show", code=case.code))
        db.session.rollback()
    return render_template("cases/retention_hold.html", case=case, errors=errors,
                           reason=request.form.get("reason", "")), 400 if errors else 200
