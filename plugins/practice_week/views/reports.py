"""A practice week's summary for the performance meeting, as a page and as a PDF."""

from __future__ import annotations

from flask import Response, render_template

from core.toolkit import append_access_log, db, permission_required
from plugins.practice_week import pdf
from plugins.practice_week.access import find_week, me
from plugins.practice_week.permissions import REPORTS
from plugins.practice_week.reports import GRADE_ORDER, audit_summary, coverage, week_summary
from plugins.practice_week.views import bp


@bp.get("/weeks/<int:week_id>/summary")
@permission_required(REPORTS)
def summary(week_id: int):
    week = find_week(week_id, REPORTS)
    return render_template("practice_week/summary.html", week=week,
                           s=week_summary(week, me()), grade_order=GRADE_ORDER,
                           coverage=coverage(week.agency_id, week.ends_on),
                           audits=audit_summary(week))


@bp.post("/weeks/<int:week_id>/summary.pdf")
@permission_required(REPORTS)
def summary_pdf(week_id: int):
    week = find_week(week_id, REPORTS)
    content = pdf.summary_pdf(week, week_summary(week, me()))
    append_access_log("export", "practice_week.summary", week.reference, user=me(),
                      partnership_id=week.partnership_id, detail="PDF")
    db.session.commit()
    return Response(content, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{pdf.file_name(week)}"'})
