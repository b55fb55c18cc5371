"""Which tools an agency completes: the shared core, plus its agency section where one exists.

The tools are data (YAML in `tools/`, versioned by core). A return keeps the versions it was
started on, so publishing a new version never changes how an old return reads.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.toolkit import GradingError, Tool, get_tool, overall_grade

CORE_TOOL = "multi_agency.shared_core"
SECTIONS: dict[str, str] = {
    "police": "multi_agency.police",
    "health": "multi_agency.health",
    "education": "multi_agency.education",
    "childrens_services": "multi_agency.childrens_services",
}


@dataclass(frozen=True)
class AgencyTools:
    """The shared core and the agency's section (None for agencies without one)."""

    core: Tool
    section: Tool | None

    @property
    def tools(self) -> tuple[Tool, ...]:
        return (self.core,) if self.section is None else (self.core, self.section)

    @property
    def domains(self):
        return tuple(d for tool in self.tools for d in tool.domains)

    def questions(self):
        return [pair for tool in self.tools for pair in tool.questions()]


def current_tools(agency_type: str) -> AgencyTools:
    """The latest published versions, for a return being started now."""
    key = SECTIONS.get(agency_type)
    return AgencyTools(get_tool(CORE_TOOL), get_tool(key) if key else None)


def tools_of(ret) -> AgencyTools:
    """The exact versions a return was started on."""
    section = None
    if ret.section_tool_key:
        section = get_tool(ret.section_tool_key, ret.section_tool_version)
    return AgencyTools(get_tool(CORE_TOOL, ret.core_tool_version), section)


def grade_overall(tools: AgencyTools, grades: dict[str, str], chosen: str | None,
                  override: str | None = None, reason: str | None = None):
    """Check each tool's domains are graded, then apply the limiting judgement across all.

    Raises `GradingError` naming the domain (`domain_grades[RESP]`) or field at fault.
    """
    for tool in tools.tools:
        own = {d.code: grades.get(d.code) for d in tool.domains}
        missing = [code for code, grade in own.items() if grade is None]
        if missing:
            domain = tool.domain(missing[0])
            raise GradingError(f"domain_grades[{domain.code}]", f"grade {domain.title}")
        tool.grade_overall(own, chosen=chosen)
    if chosen is None:
        raise GradingError("chosen", "choose the overall grade")
    return overall_grade(grades, "limiting_judgement", chosen, override, reason)
