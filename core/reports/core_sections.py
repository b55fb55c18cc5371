"""Core's own report sections, contributed through core's built-in plugin."""

from __future__ import annotations

from core.reports.actions_section import actions_section
from core.reports.completion import completion_section
from core.reports.grades import grade_sections
from core.reports.moderation import moderation_section
from core.reports.sections import ReportContext, ReportSection


def core_sections(context: ReportContext) -> list[ReportSection]:
    return [completion_section(context), *grade_sections(context), moderation_section(context),
            actions_section(context)]
