"""Hook implementations of the practice week plugin (thin: the work is in the modules named)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint

from core.toolkit import (
    DashboardCard,
    NavItem,
    Permission,
    PluginInfo,
    ToolSource,
    WorkflowDefinition,
    hookimpl,
    notify,
)
from plugins.practice_week.permissions import PERMISSIONS, VIEW
from plugins.practice_week.workflow import KEY as OBSERVATION_WORKFLOW_KEY
from plugins.practice_week.workflow import OBSERVATION_WORKFLOW, observation_of

KEY = "practice_week"


@hookimpl
def qa_describe() -> PluginInfo:
    return PluginInfo(key=KEY, name="Practice weeks", version="0.1.0",
                      description="Practice weeks: observations of practice, conversations "
                                  "with practitioners and families, and the week's findings.")


@hookimpl
def qa_register_permissions() -> list[Permission]:
    return list(PERMISSIONS)


@hookimpl
def qa_register_blueprints(app: Any) -> list[Blueprint]:
    from plugins.practice_week.views import bp

    return [bp]


@hookimpl
def qa_register_tools() -> list[ToolSource]:
    return [ToolSource(Path(__file__).parent / "tools")]


@hookimpl
def qa_register_workflows() -> list[WorkflowDefinition]:
    return [OBSERVATION_WORKFLOW]


@hookimpl
def qa_navigation_contributions(user: Any) -> list[NavItem]:
    return [NavItem("Practice weeks", "practice_week.index", VIEW, order=65)]


@hookimpl
def qa_dashboard_contributions(user: Any) -> list[DashboardCard]:
    from plugins.practice_week.access import visible_observations

    mine = [o for o in visible_observations(user)
            if (o.observer_id == user.id and o.state in ("scheduled", "feedback_due"))
            or (o.practitioner_id == user.id and o.state == "reflection_due")]
    return [DashboardCard("Observations of practice", "Observations you are due to carry "
                          "out, write up or reflect on.", "practice_week.index",
                          "See observations", VIEW, count=len(mine), order=65)]


@hookimpl
def qa_report_sections(context: Any) -> list[Any]:
    from plugins.practice_week.sections import report_sections

    return report_sections(context)


@hookimpl
def qa_replaces_monthly_cycle(agency: Any, year: int, month: int) -> str | None:
    """A practice week starting in the month replaces that month's case file audits."""
    from plugins.practice_week.schedule import week_in_month

    week = week_in_month(agency.id, year, month)
    return f"Practice week {week.reference}" if week is not None else None


@hookimpl
def qa_on_sla_breached(instance: Any, clock: Any, level: int, recipients: list[Any]) -> None:
    """When written feedback becomes overdue, the observer hears at once."""
    if instance.workflow != OBSERVATION_WORKFLOW_KEY or level != 0:
        return
    obs = observation_of(instance)
    if clock.rule != "written_feedback":
        return
    notify([obs.observer], "practice_week.overdue",
           f"Overdue: written feedback on observation {obs.reference}",
           f"Written feedback on observation {obs.reference} was due within two weeks of the "
           "observation and has not been sent.",
           link=f"/practice_week/observations/{obs.id}", partnership_id=obs.partnership_id)


@hookimpl
def qa_on_case_destroyed(case: Any) -> None:
    """Retention: week audits of the case lose their text; grades and dates stay."""
    from plugins.practice_week.retention import forget_case

    forget_case(case)
