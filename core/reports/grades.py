"""Grade mix per domain and overall, and how overall grades moved from stage to stage.

One GROUP BY over the grades recorded in the period (stage x domain x grade), read from the
covering index `ix_grade_record_report` (partnership, stage, time, ...). The mix is counted at
the partnership's reporting stage (file review unless it reports the grade after the
practitioner conversation), so every audit counts once; a second section shows the overall
grade at each stage that has grades.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from core.extensions import db
from core.reports.completion import percent
from core.reports.models import settings_for
from core.reports.sections import (
    ChartSeries,
    ReportChart,
    ReportContext,
    ReportFigure,
    ReportFinding,
    ReportSection,
)
from core.tools.grading import GRADES, NOT_APPLICABLE
from core.tools.models import GRADE_STAGES, GradeRecord

OVERALL = "Overall"
# Best first, as councils tabulate them; "not applicable" only appears when it was used.
COLUMNS = [*(g.value for g in sorted(GRADES, reverse=True)), NOT_APPLICABLE]
LABELS = {**{g.value: g.label for g in GRADES}, NOT_APPLICABLE: "Not applicable"}
Counts = Counter[tuple[str, str | None, str]]


def grade_counts(context: ReportContext) -> Counts:
    """How many grades of each kind: {(stage, domain code or None, grade): n}."""
    query = (
        select(GradeRecord.stage, GradeRecord.domain_code, GradeRecord.grade, func.count())
        .where(context.placed(GradeRecord.partnership_id, GradeRecord.agency_id,
                              GradeRecord.team_id),
               GradeRecord.stage.in_(tuple(GRADE_STAGES)),  # one index range per stage
               context.during(GradeRecord.recorded_at))
        .group_by(GradeRecord.stage, GradeRecord.domain_code, GradeRecord.grade)
    )
    return Counter({(stage, domain, grade): int(n)
                    for stage, domain, grade, n in db.session.execute(query)})


def grade_sections(context: ReportContext) -> list[ReportSection]:
    counts = grade_counts(context)
    stage = settings_for(context.partnership.id).grade_stage
    sections = [_mix_section(counts, stage)]
    staged = _stage_section(counts)
    if staged is not None:
        sections.append(staged)
    return sections


def _mix_section(counts: Counts, stage: str) -> ReportSection:
    at_stage = Counter({(d, g): n for (s, d, g), n in counts.items() if s == stage})
    domains = sorted({d for d, _ in at_stage if d is not None})
    rows = [(OVERALL, None), *((d, d) for d in domains)]
    overall = Counter({g: n for (d, g), n in at_stage.items() if d is None})
    graded = sum(n for g, n in overall.items() if g != NOT_APPLICABLE)
    good = overall["good"] + overall["outstanding"]
    return ReportSection(
        key="core.grades", title="Grade mix", order=20,
        figures=(ReportFigure("Audits graded", graded),
                 ReportFigure("Good or outstanding", percent(good, graded), unit="%"),
                 ReportFigure("Inadequate", percent(overall["inadequate"], graded), unit="%")),
        chart=_mix_chart(rows, at_stage, GRADE_STAGES[stage]) if at_stage else None,
        narrative=_mix_narrative(graded, good, overall["inadequate"], GRADE_STAGES[stage]),
        findings=_mix_findings(at_stage, domains),
    )


def _present(columns: list[str], cell) -> list[str]:
    """Grade columns that have at least one grade (best first)."""
    return [g for g in columns if g != NOT_APPLICABLE or cell(g)]


def _mix_chart(rows: list[tuple[str, str | None]], at_stage: Counter, stage_label: str
               ) -> ReportChart:
    grades = _present(COLUMNS, lambda g: any(at_stage[(d, g)] for _, d in rows))
    return ReportChart(
        f"Grades at {stage_label.lower()}, overall and by domain",
        categories=tuple(label for label, _ in rows),
        series=tuple(ChartSeries(LABELS[g], tuple(at_stage[(d, g)] for _, d in rows))
                     for g in grades),
        stacked=True, category_label="Domain",
    )


def _mix_narrative(graded: int, good: int, inadequate: int, stage_label: str) -> str:
    if not graded:
        return "No audits were graded in this period."
    return (f"{graded} audits were graded overall at {stage_label.lower()}: {good} good or "
            f"outstanding ({percent(good, graded)}%) and {inadequate} inadequate "
            f"({percent(inadequate, graded)}%).")


def _mix_findings(at_stage: Counter, domains: list[str]) -> tuple[ReportFinding, ...]:
    """Domains where a quarter or more of the grades were inadequate."""
    found = []
    for domain in domains:
        total = sum(at_stage[(domain, g)] for g in COLUMNS if g != NOT_APPLICABLE)
        share = percent(at_stage[(domain, "inadequate")], total)
        if share is not None and share >= 25:
            found.append(ReportFinding(
                "Grades", f"Domain {domain}: {share}% of grades were inadequate."))
    return tuple(found)


def _stage_section(counts: Counts) -> ReportSection | None:
    overall = Counter({(s, g): n for (s, d, g), n in counts.items() if d is None})
    stages = [s for s in GRADE_STAGES if any(overall[(s, g)] for g in COLUMNS)]
    if len(stages) < 2:
        return None
    grades = _present(COLUMNS, lambda g: any(overall[(s, g)] for s in stages))
    chart = ReportChart(
        "Overall grades at each stage", categories=tuple(GRADE_STAGES[s] for s in stages),
        series=tuple(ChartSeries(LABELS[g], tuple(overall[(s, g)] for s in stages))
                     for g in grades),
        stacked=True, category_label="Stage",
    )
    return ReportSection(
        key="core.grade_stages", title="Overall grades at each stage", order=25,
        figures=tuple(ReportFigure(GRADE_STAGES[s], sum(overall[(s, g)] for g in COLUMNS))
                      for s in stages),
        chart=chart,
        narrative="How many overall grades were given at each stage in the period: after the "
                  "file review, after the practitioner conversation, by moderators and on "
                  "re-audit.",
    )
