"""Hook implementations of the Regulation 44 plugin (thin: the work is in the modules named)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint
from sqlalchemy import func, select

from core.toolkit import (
    DashboardCard,
    JobType,
    NavItem,
    Permission,
    PluginInfo,
    ScheduledJob,
    ToolSource,
    WorkflowDefinition,
    db,
    hookimpl,
    notify,
)
from plugins.reg44 import schedule, views
from plugins.reg44.models import ChildView, FlaggedChild, Visit
from plugins.reg44.permissions import PERMISSIONS, VIEW
from plugins.reg44.workflow import KEY as VISIT_WORKFLOW_KEY
from plugins.reg44.workflow import VISIT_WORKFLOW, visit_of

KEY = "reg44"


@hookimpl
def qa_describe() -> PluginInfo:
    return PluginInfo(key=KEY, name="Regulation 44 visits", version="1.0.0",
                      description="Independent visits to children's homes: the homes register, "
                                  "independent persons, the monthly visit schedule, visit "
                                  "reports, responses and scrutiny of inadequate providers.")


@hookimpl
def qa_register_permissions() -> list[Permission]:
    return list(PERMISSIONS)


@hookimpl
def qa_register_blueprints(app: Any) -> list[Blueprint]:
    return [views.bp]


@hookimpl
def qa_register_job_types() -> list[JobType]:
    return [JobType("reg44.generate_schedule", schedule.generate_schedule,
                    "Plan Regulation 44 visits")]


@hookimpl
def qa_register_scheduled_jobs() -> list[ScheduledJob]:
    return [ScheduledJob("reg44.monthly_schedule", "reg44.generate_schedule", "0 6 1 * *",
                         description="Plan this month's and next month's Regulation 44 visits")]


@hookimpl
def qa_register_tools() -> list[ToolSource]:
    return [ToolSource(Path(__file__).parent / "tools")]


@hookimpl
def qa_register_workflows() -> list[WorkflowDefinition]:
    return [VISIT_WORKFLOW]


@hookimpl
def qa_navigation_contributions(user: Any) -> list[NavItem]:
    return [NavItem("Children's homes", "reg44.index", VIEW, order=60)]


@hookimpl
def qa_dashboard_contributions(user: Any) -> list[DashboardCard]:
    from plugins.reg44.access import visible_visits

    open_states = ("scheduled", "drafting", "finalised")
    count = db.session.scalar(visible_visits().where(Visit.state.in_(open_states))
                              .with_only_columns(func.count(Visit.id)))
    return [DashboardCard("Regulation 44 visits", "Visits to children's homes planned or with "
                          "reports still to finish or send.", "reg44.index", "See visits",
                          VIEW, count=count, order=60)]


@hookimpl
def qa_report_sections(context: Any) -> list[Any]:
    from plugins.reg44.sections import report_sections

    return report_sections(context)


@hookimpl
def qa_on_transition(instance: Any, transition: Any, user: Any) -> None:
    """Keep `Visit.state` in step with the workflow, and close or reopen recommendations."""
    if instance.workflow != VISIT_WORKFLOW_KEY:
        return
    from plugins.reg44 import carryover
    from plugins.reg44.clock import now

    visit = visit_of(instance)
    visit.state = instance.state
    if transition.key == "finalise":
        visit.finalised_at, visit.finalised_by_id = now(), user.id
        carryover.close_met(visit)
    elif transition.key == "reopen":
        visit.finalised_at = visit.finalised_by_id = None
        carryover.reopen_closed(visit)


@hookimpl
def qa_on_sla_breached(instance: Any, clock: Any, level: int, recipients: list[Any]) -> None:
    """When a visit or report becomes overdue, tell the partnership's coordinators."""
    if instance.workflow != VISIT_WORKFLOW_KEY or level != 0:
        return
    from plugins.reg44.people import coordinators

    visit = visit_of(instance)
    what = "visit" if clock.rule == "visit" else "report"
    notify(coordinators(visit.partnership_id), "reg44.overdue",
           f"Overdue: Regulation 44 {what} {visit.reference}",
           f"The Regulation 44 {what} for {visit.home.name} ({visit.reference}) is overdue.",
           link=f"/reg44/visits/{visit.id}", partnership_id=visit.partnership_id)


@hookimpl
def qa_on_case_destroyed(case: Any) -> None:
    """Drop what children said and the decisions' narrative; keep dates, counts and themes."""
    for view in db.session.scalars(select(ChildView).where(ChildView.case_id == case.id)):
        view.views = None
    for child in db.session.scalars(select(FlaggedChild).where(FlaggedChild.case_id == case.id)):
        child.reason = child.action_plan = None

