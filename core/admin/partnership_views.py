"""Partnerships (the tenants): list, create, rename. Platform administrators only."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from sqlalchemy import func, select

from core.admin.forms import PartnershipForm
from core.admin.helpers import add_errors, load, submitted_and_valid
from core.admin.views import bp
from core.extensions import db
from core.identity.access import permission_required, scoped
from core.identity.models import Partnership

MANAGE = "admin.partnerships.manage"


@bp.get("/partnerships")
@permission_required(MANAGE)
def partnerships():
    rows = db.session.scalars(scoped(Partnership, MANAGE).order_by(Partnership.name)).all()
    return render_template("admin/partnerships.html", partnerships=rows)


@bp.route("/partnerships/new", methods=["GET", "POST"])
@permission_required(MANAGE)
def partnership_new():
    form = PartnershipForm()
    if submitted_and_valid(form, lambda: _unique(form, None)):
        partnership = Partnership(name=form.name.data, code_prefix=form.code_prefix.data)
        db.session.add(partnership)
        db.session.commit()
        flash(f"{partnership.name} added", "success")
        return redirect(url_for("admin.partnerships"))
    return render_template("admin/partnership_form.html", form=form, partnership=None)


@bp.route("/partnerships/<int:partnership_id>/edit", methods=["GET", "POST"])
@permission_required(MANAGE)
def partnership_edit(partnership_id: int):
    partnership = load(Partnership, partnership_id, MANAGE)
    form = PartnershipForm(obj=partnership)
    if submitted_and_valid(form, lambda: _unique(form, partnership)):
        form.populate_obj(partnership)
        db.session.commit()
        flash(f"{partnership.name} saved", "success")
        return redirect(url_for("admin.partnerships"))
    return render_template("admin/partnership_form.html", form=form, partnership=partnership)


def _unique(form: PartnershipForm, current: Partnership | None) -> bool:
    problems = {}
    for field, message in (("name", "A partnership with this name already exists"),
                           ("code_prefix", "Another partnership already uses this prefix")):
        column = getattr(Partnership, field)
        value = (form[field].data or "").lower()
        query = select(Partnership.id).where(func.lower(column) == value)
        if current is not None:
            query = query.where(Partnership.id != current.id)
        if value and db.session.scalar(query.limit(1)) is not None:
            problems[field] = message
    add_errors(form, problems)
    return not problems
