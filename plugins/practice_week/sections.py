"""The plugin's sections of core's QA reports: observations in the period (done against
planned, written feedback on time), strengths and development themes per standard, and
annual observation coverage per team. Counts only; no practitioner is named."""

from __future__ import annotations

from datetime import time

from sqlalchemy import and_

from core.toolkit import (
    ChartSeries,
    ReportChart,
    ReportContext,
    ReportFigure,
    ReportFinding,
    ReportSection,
    can,
    db,
    scoped,
)
from plugins.practice_week import clock
from plugins.practice_week.models import Observation
from plugins.practice_week.permissions import REPORTS
from plugins.practice_week.reports import Summary, coverage, summarise


def report_sections(context: ReportContext) -> list[ReportSection]:
    start = clock.at_london(context.start, time.min)
    end = clock.at_london(context.end, time.max)
    query = scoped(Observation, REPORTS, user=context.user).where(
        context.placed(Observation.partnership_id, Observation.agency_id, Observation.team_id),
        and_(Observation.starts_at >= start, Observation.starts_at <= end))
    observations = list(db.session.scalars(query))
    summary = summarise(observations, context.user)
    return [_observations(summary), _standards(summary), _coverage(context)]


def _observations(s: Summary) -> ReportSection:
    findings = ()
    if s.feedback_late:
        findings = (ReportFinding("Observations of practice",
                                  f"{s.feedback_late} observations had written feedback "
                                  "later than two weeks."),)
    return ReportSection(
        "practice_week.observations", "Observations of practice",
        figures=(ReportFigure("Observations planned", s.planned),
                 ReportFigure("Observations done", s.done),
                 ReportFigure("Done against planned", s.done_rate, target=100, unit="%"),
                 ReportFigure("Written feedback within two weeks", s.timely_rate, target=100,
                              unit="%"),
                 ReportFigure("Development actions raised", len(s.actions))),
        narrative="Senior leaders and managers observe front-line practice in practice weeks "
                  "and through the year; written feedback is due within two weeks.",
        findings=findings, order=70)


def _standards(s: Summary) -> ReportSection:
    rows = s.standards
    chart = ReportChart("Grades per practice standard", tuple(r.title for r in rows),
                        (ChartSeries("Strength (good or better)",
                                     tuple(float(r.strengths) for r in rows)),
                         ChartSeries("To develop", tuple(float(r.development) for r in rows))),
                        stacked=True, category_label="Standard") if rows else None
    findings = tuple(ReportFinding(r.title, f"Observed as a development need {r.development} "
                                            f"times out of {r.observed}.")
                     for r in s.development)
    return ReportSection("practice_week.standards", "Practice observed against the standards",
                         figures=(ReportFigure("Strengths", len(s.strengths)),
                                  ReportFigure("Development themes", len(s.development))),
                         chart=chart, findings=findings, order=71)


def _coverage(context: ReportContext) -> ReportSection:
    agency = context.agency
    allowed = agency is not None and can(REPORTS, agency, user=context.user)
    rows = coverage(agency.id, context.end) if allowed else []
    if context.team is not None:
        rows = [r for r in rows if r.team == context.team.name]
    chart = ReportChart("Practitioners observed in the last twelve months",
                        tuple(r.team for r in rows),
                        (ChartSeries("Practitioners", tuple(float(r.practitioners) for r in rows)),
                         ChartSeries("Observed", tuple(float(r.observed) for r in rows))),
                        category_label="Team") if rows else None
    return ReportSection(
        "practice_week.coverage", "Annual observation coverage per team",
        figures=(ReportFigure("Practitioners", sum(r.practitioners for r in rows)),
                 ReportFigure("Observed in the last twelve months",
                              sum(r.observed for r in rows))),
        chart=chart,
        narrative="" if agency is not None else "Coverage is shown in a council's report.",
        order=72)
