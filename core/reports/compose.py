"""Putting a report together: every enabled plugin's sections (core's first, then each
plugin's together in enable-list order), then themes.

Sections come from `qa_report_sections(context)`; a disabled plugin is not asked, so it
contributes nothing. Keys must start with the contributing plugin's key and a dot and be unique
in the report. The themes section is composed last, from the findings of every other section.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from flask import current_app

from core.plugins import PluginError
from core.reports.sections import (
    ChartSeries,
    ReportChart,
    ReportContext,
    ReportFigure,
    ReportFinding,
    ReportSection,
)
from core.timeutil import utcnow

THEMES_KEY = "core.themes"


@dataclass(frozen=True)
class Report:
    """A composed report: what it covers, its sections in order, and when it was built."""

    context: ReportContext
    sections: tuple[ReportSection, ...]
    built_at: datetime

    @property
    def title(self) -> str:
        return f"Quality assurance report: {self.context.scope_label}"


def build_report(context: ReportContext) -> Report:
    sections = _contributed(context)
    sections.append(themes_section(sections))
    return Report(context, tuple(sections), utcnow())


def _contributed(context: ReportContext) -> list[ReportSection]:
    plugins = current_app.extensions["plugins"]
    seen: dict[str, str] = {THEMES_KEY: "core"}
    found: list[tuple[int, ReportSection]] = []
    rank = {key: n for n, key in enumerate(plugins.keys)}
    for key, section in plugins.contributions("qa_report_sections", context=context):
        if not section.key.startswith(f"{key}."):
            raise PluginError(f"Plugin '{key}': report section '{section.key}' must start "
                              f"with '{key}.'.")
        if section.key in seen:
            raise PluginError(f"Plugin '{key}': report section '{section.key}' is already "
                              f"used by '{seen[section.key]}'.")
        seen[section.key] = key
        found.append((rank[key], section))
    # Core's sections first, then each plugin's together (enable-list order), each plugin's
    # own sections by their `order`.
    return [s for _, s in sorted(found, key=lambda pair: (pair[0], pair[1].order))]


def themes_section(sections: list[ReportSection]) -> ReportSection:
    """Every other section's findings grouped by theme, most findings first; each finding
    names the section it came from."""
    grouped: dict[str, list[ReportFinding]] = defaultdict(list)
    for section in sections:
        for finding in section.findings:
            theme = " ".join(finding.theme.split()) or "Other"
            grouped[theme.casefold()].append(
                ReportFinding(theme, f"{finding.text} ({section.title})"))
    order = sorted(grouped, key=lambda t: (-len(grouped[t]), t))
    names = [grouped[t][0].theme for t in order]
    total = sum(len(v) for v in grouped.values())
    return ReportSection(
        key=THEMES_KEY, title="Themes", order=10_000,
        figures=(ReportFigure("Themes", len(order)), ReportFigure("Findings", total)),
        chart=ReportChart("Findings by theme", categories=tuple(names),
                          series=(ChartSeries("Findings", tuple(len(grouped[t]) for t in order)),),
                          category_label="Theme") if order else None,
        narrative=(f"{total} findings from this report, grouped under {len(order)} themes."
                   if order else "No findings were recorded in this period."),
        findings=tuple(f for t in order for f in grouped[t]),
    )
