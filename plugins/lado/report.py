"""The LADO figures as report sections, for core's reports and their PDF, XLSX and CSV exports.

Sections are data only (figures, a chart with its table, narrative, findings). They are given
only to people who may read LADO reports for that partnership, and only for the whole
partnership: LADO work is not an agency's or a team's.
"""

from __future__ import annotations

from core.toolkit import (
    GRADES,
    ChartSeries,
    ReportChart,
    ReportContext,
    ReportFigure,
    ReportFinding,
    ReportSection,
)
from plugins.lado import figures as figs
from plugins.lado.access import REPORTS, partnerships_with

ORDER = 300


def may_read(context: ReportContext) -> bool:
    if context.agency is not None or context.team is not None or context.user is None:
        return False
    return context.partnership.id in partnerships_with(REPORTS, context.user)


def _bars(title: str, pairs: list[tuple[str, int]], series: str = "Referrals") -> ReportChart:
    return ReportChart(title, tuple(k for k, _ in pairs),
                       (ChartSeries(series, tuple(v for _, v in pairs)),))


def _referrals(f: figs.Figures) -> ReportSection:
    steps = [ReportFigure(label, value) for label, value in f.steps]
    return ReportSection(
        "lado.referrals", "LADO referrals by sector",
        figures=(ReportFigure("Referrals received", f.received), *steps),
        chart=_bars("Referrals by sector", [p for p in f.by_sector if p[1]] or f.by_sector),
        narrative="Allegations against adults who work with children, by the sector the adult "
                  "works in, received in the period.", order=ORDER)


def _categories(f: figs.Figures) -> ReportSection:
    return ReportSection("lado.categories", "LADO referrals by category of allegation",
                         chart=_bars("Referrals by category", f.by_category), order=ORDER + 1)


def _outcomes(f: figs.Figures) -> ReportSection:
    return ReportSection(
        "lado.outcomes", "Outcomes of LADO referrals",
        figures=(ReportFigure("Concluded with an outcome", f.concluded),
                 ReportFigure("Open at the end of the period", f.open_at_end)),
        chart=_bars("Outcomes", f.by_outcome), order=ORDER + 2)


def _timeliness(f: figs.Figures) -> ReportSection:
    rows = f.timeliness
    figures = [ReportFigure(f"{s.label}: within {s.target} working days", s.percent, unit="%")
               for s in rows]
    figures += [ReportFigure(f"{s.label}: median working days", s.median_days) for s in rows]
    figures.append(ReportFigure("Long-running referrals open at the end of the period",
                                f.long_running))
    chart = ReportChart("Steps within target", tuple(s.label for s in rows),
                        (ChartSeries("Measured", tuple(s.measured for s in rows)),
                         ChartSeries("Within target", tuple(s.within for s in rows))))
    return ReportSection("lado.timeliness", "Timeliness of LADO referrals", figures=figures,
                         chart=chart, narrative="Counted in UK working days from the day "
                         "after the referral was received.", order=ORDER + 3)


def _repeats(f: figs.Figures) -> ReportSection:
    listed = [*f.repeat_employers, *f.repeat_adults]
    text = ("Employers and adults referred more than once in the 12 months to the end of the "
            "period, by pseudonymous key (E- employers, A- adults); identities are not shown.")
    return ReportSection(
        "lado.repeats", "Repeat employers and adults",
        figures=(ReportFigure("Repeat employers", len(f.repeat_employers)),
                 ReportFigure("Repeat adults", len(f.repeat_adults))),
        chart=_bars("Referrals per repeat key", [(r.key, r.referrals) for r in listed])
        if listed else None, narrative=text, order=ORDER + 4)


def _audits(f: figs.Figures) -> ReportSection:
    chart = ReportChart(
        "Domain grades", tuple(title for title, _ in f.domain_grades),
        tuple(ChartSeries(label, tuple(c[i] for _, c in f.domain_grades))
              for i, label in enumerate([g.label for g in GRADES] + ["Not applicable"])),
        stacked=True)
    overall = [ReportFigure(f"Overall {label.lower()}", n) for label, n in f.overall_grades]
    return ReportSection(
        "lado.audits", "LADO audit grades and learning",
        figures=(ReportFigure("Audits completed", f.audits_completed), *overall,
                 ReportFigure("Limited by an inadequate domain", f.limited)),
        chart=chart if f.domain_grades else None,
        findings=tuple(ReportFinding("LADO audit learning", f"{item.reference} "
                                     f"({item.grade}): {item.text}") for item in f.learning),
        order=ORDER + 5)


def _trend(f: figs.Figures) -> ReportSection:
    return ReportSection("lado.trend", "LADO referrals over the last four quarters",
                         chart=_bars("Referrals per quarter", f.trend), order=ORDER + 6)


def sections_for(f: figs.Figures) -> list[ReportSection]:
    return [build(f) for build in (_referrals, _categories, _outcomes, _timeliness, _repeats,
                                   _audits, _trend)]


def report_sections(context: ReportContext) -> list[ReportSection]:
    if not may_read(context):
        return []
    return sections_for(figs.build(context.partnership, context.start, context.end))
