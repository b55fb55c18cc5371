"""Case audits during a practice week: choose a tool, then grade its domains and record the
family's view."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from core.toolkit import FAMILY_CONTACT_OUTCOMES, FAMILY_CONTACT_WITH, db, permission_required
from plugins.practice_week import audits
from plugins.practice_week.access import find_week, me
from plugins.practice_week.forms import Invalid
from plugins.practice_week.permissions import AUDIT
from plugins.practice_week.views import bp, invalid
from plugins.practice_week.vocab import GRADE_CHOICES


@bp.route("/weeks/<int:week_id>/audits/new", methods=["GET", "POST"])
@permission_required(AUDIT)
def new_audit(week_id: int):
    week = find_week(week_id, AUDIT)
    tool = audits.chosen_tool(request.values.get("tool"))
    page = {"week": week, "tool": tool, "tools": audits.audit_tools(), "grades": GRADE_CHOICES,
            "family_with": FAMILY_CONTACT_WITH, "outcomes": FAMILY_CONTACT_OUTCOMES}
    if request.method == "GET":
        return render_template("practice_week/audit_form.html", errors={}, form={}, **page)
    if tool is None:
        abort(400)
    try:
        audit = audits.record_audit(week, tool, request.form, me())
    except Invalid as exc:
        return invalid("practice_week/audit_form.html", exc.errors, form=request.form, **page)
    reference = audit.reference
    db.session.commit()
    flash(f"Case audit {reference} is recorded with the family's view.", "success")
    return redirect(url_for("practice_week.week", week_id=week.id))
