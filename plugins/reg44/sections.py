"""The plugin's sections of core's QA reports (monthly, quarterly, annual), built from the same
figures as the plugin's own report page."""

from __future__ import annotations

from typing import Any

from core.toolkit import (
    ChartSeries,
    ReportChart,
    ReportContext,
    ReportFigure,
    ReportFinding,
    ReportSection,
    scoped,
)
from plugins.reg44 import reports
from plugins.reg44.models import Visit
from plugins.reg44.permissions import REPORTS


def report_sections(context: ReportContext) -> list[ReportSection]:
    query = scoped(Visit, REPORTS, user=context.user).where(
        context.placed(Visit.partnership_id, Visit.agency_id))
    data = reports.build(query, context.start, context.end, reports.standard_titles())
    return [_visits(data), _recommendations(data), _children(data)]


def _visits(data: dict[str, Any]) -> ReportSection:
    t = data["totals"]
    return ReportSection(
        "reg44.visits", "Regulation 44 visits",
        figures=(ReportFigure("Visits planned", t.planned), ReportFigure("Visits done", t.done),
                 ReportFigure("Visits done by the end of their month", t.on_time_rate,
                              target=100, unit="%"),
                 ReportFigure("Visits overdue", t.overdue),
                 ReportFigure("Reports late or overdue", t.reports_late)),
        narrative="Independent visits to children's homes under regulation 44: each home "
                  "visited as often as it should be, reports due by the end of the month of "
                  "the visit.",
        findings=(ReportFinding("Regulation 44 visits", f"{len(data['late'])} visit reports "
                                "were late or are overdue."),) if data["late"] else (),
        order=60)


def _recommendations(data: dict[str, Any]) -> ReportSection:
    rows = data["recommendations"]
    chart = ReportChart("Recommendations by quality standard", tuple(r[0] for r in rows),
                        (ChartSeries("Open", tuple(r[1] for r in rows)),
                         ChartSeries("Closed", tuple(r[2] for r in rows))),
                        stacked=True, category_label="Quality standard") if rows else None
    return ReportSection(
        "reg44.recommendations", "Regulation 44 recommendations",
        figures=(ReportFigure("Recommendations open", sum(r[1] for r in rows)),
                 ReportFigure("Recommendations closed", sum(r[2] for r in rows))),
        chart=chart,
        findings=tuple(ReportFinding(r[0], f"{r[1]} open Regulation 44 recommendations")
                       for r in rows if r[1]),
        order=61)


def _children(data: dict[str, Any]) -> ReportSection:
    views = data["views"]
    chart = ReportChart("What children talked about", tuple(v[0] for v in views),
                        (ChartSeries("Children", tuple(v[1] for v in views)),),
                        category_label="Theme") if views else None
    return ReportSection(
        "reg44.children", "Children's views at Regulation 44 visits",
        figures=(ReportFigure("Children spoken to", data["spoken"]),
                 ReportFigure("Children who shared their views", data["consented"])),
        chart=chart, order=62)
