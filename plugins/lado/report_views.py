"""The quarterly and annual LADO report pages (financial quarters and years, from April).

Reports are coded aggregates, but they are still LADO data: each viewing is logged. The same
figures reach core's QA reports as sections, and the export buttons ask core for a PDF, XLSX
or CSV of the LADO sections alone, marked OFFICIAL-SENSITIVE.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import Response, abort, redirect, render_template, request, url_for

from core.toolkit import GRADES, Partnership, append_access_log, current_user, db
from core.toolkit import permission_required as permission
from plugins.lado import exports, figures, timeliness
from plugins.lado.access import REPORTS, partnerships_with
from plugins.lado.views import MARKING, bp, chosen_partnership, my_partnerships

KINDS = {"quarterly": "Quarterly themes and trends", "annual": "Annual LADO report"}


def bounds(kind: str, day: date) -> tuple[date, date]:
    """The financial quarter or year (from 1 April) containing `day`."""
    if kind == "quarterly":
        start = figures.quarter_start(day)
        return start, figures.add_months(start, 3) - timedelta(days=1)
    first = day.year if day.month >= 4 else day.year - 1
    return date(first, 4, 1), date(first + 1, 3, 31)


def _last_complete(kind: str) -> date:
    start, _ = bounds(kind, timeliness.today())
    return start - timedelta(days=1)


@bp.get("/reports/")
@permission(REPORTS)
def reports():
    options = my_partnerships(REPORTS)
    errors: dict[str, str] = {}
    if "kind" in request.args:
        partnership = chosen_partnership(options, request.args.get("partnership"))
        kind = request.args.get("kind", "")
        day = figures.parse_day(request.args.get("day", ""))
        if partnership is None:
            errors["partnership"] = "Select the partnership"
        if kind not in KINDS:
            errors["kind"] = "Select the report"
        if day is None:
            errors["day"] = "Enter a date in the period, like 30/6/2026"
        if not errors:
            start, _ = bounds(kind, day)
            return redirect(url_for("lado.report", partnership_id=partnership.id, kind=kind,
                                    start=start.isoformat()))
    return render_template(
        "lado/reports.html", errors=errors, args=request.args, kinds=list(KINDS.items()),
        partnerships=[("", "Select a partnership"), *((str(p.id), p.name) for p in options)],
        only_partnership=options[0] if len(options) == 1 else None,
        default_day=_last_complete("quarterly").strftime("%d/%m/%Y"),
        protective_marking=MARKING), 400 if errors else 200


def _figures(partnership_id: int, kind: str, action: str) -> figures.Figures:
    """The report's figures, if the person may read it; the reading is logged."""
    if kind not in KINDS or partnership_id not in partnerships_with(REPORTS):
        abort(404)
    partnership = db.session.get(Partnership, partnership_id)
    try:
        day = date.fromisoformat(request.args.get("start", ""))
    except ValueError:
        day = _last_complete(kind)
    start, end = bounds(kind, day)
    data = figures.build(partnership, start, end)
    append_access_log(action, "lado_report", f"{kind} {start.isoformat()}",
                      user=current_user, partnership_id=partnership.id)
    db.session.commit()
    return data


@bp.get("/reports/<int:partnership_id>/<kind>")
@permission(REPORTS)
def report(partnership_id: int, kind: str):
    data = _figures(partnership_id, kind, "lado_report_viewed")
    start, end = data.start, data.end
    return render_template(
        "lado/report.html", f=data, kind=kind, title=KINDS[kind], start=start, end=end,
        grade_labels=[g.label for g in GRADES] + ["Not applicable"],
        period="quarterly" if kind == "quarterly" else "annual",
        protective_marking=MARKING)


@bp.get("/reports/<int:partnership_id>/<kind>/export/<fmt>")
@permission(REPORTS)
def export_report(partnership_id: int, kind: str, fmt: str):
    """The report as PDF, XLSX or CSV (built while the person waits: a few small tables)."""
    if fmt not in exports.MEDIA:
        abort(404)
    data = _figures(partnership_id, kind, f"lado_report_exported_{fmt}")
    name = f"lado-{kind}-report-{data.start.isoformat()}.{fmt}"
    return Response(exports.render(data, KINDS[kind], fmt), mimetype=exports.MEDIA[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "Cache-Control": "no-store"})
