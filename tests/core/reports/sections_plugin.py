"""A plugin for the report tests: its sections are whatever a test puts in SECTIONS."""

from __future__ import annotations

from core.toolkit import PluginInfo, ReportSection, hookimpl

SECTIONS: list[ReportSection] = []
SEEN: list = []


@hookimpl
def qa_describe() -> PluginInfo:
    return PluginInfo(key="sectiontest", name="Section test", version="1.0.0")


@hookimpl
def qa_report_sections(context) -> list[ReportSection]:
    SEEN.append(context)
    return list(SECTIONS)
