"""Scrutiny of inadequate providers: the flagged children and the decision about each."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy.orm import selectinload

from core.toolkit import can, db, permission_required, scoped
from plugins.reg44 import scrutiny as service
from plugins.reg44.access import find_scrutiny, me
from plugins.reg44.forms import Conflict, Invalid
from plugins.reg44.models import FlaggedChild, Scrutiny
from plugins.reg44.permissions import DECIDE, OVERSEE
from plugins.reg44.views import bp, conflict
from plugins.reg44.vocab import DECISIONS


@bp.get("/scrutiny")
@permission_required(OVERSEE)
def scrutiny_index():
    found = db.session.scalars(scoped(Scrutiny, OVERSEE).options(selectinload(Scrutiny.home))
                               .order_by(Scrutiny.closed_at.is_not(None),
                                         Scrutiny.opened_at.desc())).all()
    return render_template("reg44/scrutiny_index.html", scrutinies=found)


def _page(scrutiny: Scrutiny, errors: dict | None = None, form: dict | None = None,
          child_id: int | None = None) -> dict:
    """One decision form at a time: the child asked for, else the first still undecided."""
    waiting = [c.id for c in scrutiny.children if c.decision is None]
    if child_id not in waiting:
        child_id = waiting[0] if waiting else None
    return {"scrutiny": scrutiny, "home": scrutiny.home, "decisions": DECISIONS,
            "may_decide": can(DECIDE, scrutiny), "errors": errors or {}, "form": form or {},
            "child_id": child_id}


@bp.get("/scrutiny/<int:scrutiny_id>")
@permission_required(OVERSEE)
def scrutiny_page(scrutiny_id: int):
    return render_template("reg44/scrutiny.html", **_page(
        find_scrutiny(scrutiny_id), child_id=request.args.get("child", type=int)))


@bp.post("/scrutiny/<int:scrutiny_id>/children/<int:child_id>")
@permission_required(DECIDE)
def decide(scrutiny_id: int, child_id: int):
    scrutiny = find_scrutiny(scrutiny_id)
    child = db.session.get(FlaggedChild, child_id)
    if child is None or child.scrutiny_id != scrutiny.id or not can(DECIDE, scrutiny):
        abort(404)
    try:
        service.decide(child, request.form, me())
    except Conflict:
        return conflict("this decision")
    except Invalid as exc:
        db.session.rollback()
        return render_template("reg44/scrutiny.html", **_page(
            scrutiny, exc.errors, request.form, child.id)), 400
    db.session.commit()
    flash(f"The decision for {child.case.code} is recorded and its action raised.", "success")
    return redirect(url_for("reg44.scrutiny_page", scrutiny_id=scrutiny.id))
