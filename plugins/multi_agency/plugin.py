"""Hook implementations of the multi-agency audit plugin (thin: the work is in the modules
they name)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint

from core.toolkit import (
    CasePanel,
    DashboardCard,
    JobType,
    NavItem,
    PanelItem,
    Permission,
    PluginInfo,
    ReportContext,
    ReportSection,
    ScheduledJob,
    ToolSource,
    db,
    hookimpl,
)
from plugins.multi_agency import permissions

KEY = "multi_agency"


@hookimpl
def qa_describe() -> PluginInfo:
    return PluginInfo(key=KEY, name="Multi-agency audits", version="1.0.0",
                      description="Partnership audits of coded cases by each agency's lead "
                                  "auditor: baseline and themed audits, a consultation "
                                  "meeting, the report and the partnership action plan.")


@hookimpl
def qa_register_permissions() -> list[Permission]:
    return permissions.declared()


@hookimpl
def qa_register_blueprints(app) -> list[Blueprint]:
    from plugins.multi_agency.views import bp

    return [bp]


@hookimpl
def qa_register_api_blueprints() -> list[Any]:
    from plugins.multi_agency.api import bp

    return [bp]


@hookimpl
def qa_register_tools() -> list[ToolSource]:
    return [ToolSource(Path(__file__).parent / "tools")]


@hookimpl
def qa_register_job_types() -> list[JobType]:
    from plugins.multi_agency.lifecycle import close_finished_job
    from plugins.multi_agency.reminders import reminders_job

    return [JobType("multi_agency.close_finished", close_finished_job,
                    "Closes audits whose action plan the sub-committee has closed"),
            JobType("multi_agency.reminders", reminders_job,
                    "Reminds auditors of returns due or overdue, and coordinators of missing ones")]


@hookimpl
def qa_register_scheduled_jobs() -> list[ScheduledJob]:
    return [ScheduledJob("multi_agency.close_finished_daily", "multi_agency.close_finished",
                         "20 6 * * *", description="Close audits whose action plan closed"),
            ScheduledJob("multi_agency.reminders_daily", "multi_agency.reminders",
                         "0 8 * * *", description="Chase returns near or past the deadline")]


@hookimpl
def qa_navigation_contributions(user) -> list[NavItem]:
    return [NavItem("Multi-agency audits", "multi_agency.index", permissions.VIEW, order=300)]


@hookimpl
def qa_dashboard_contributions(user) -> list[DashboardCard]:
    from plugins.multi_agency.models import MultiAgencyAudit
    from plugins.multi_agency.visibility import visible_audits

    query = visible_audits(user).where(MultiAgencyAudit.status.in_(("open", "consultation")))
    count = db.session.scalar(query.with_only_columns(db.func.count(MultiAgencyAudit.id))
                              .order_by(None))
    return [DashboardCard("Multi-agency audits", "Partnership audits in progress.",
                          "multi_agency.index", "See multi-agency audits", permissions.VIEW,
                          count=count, order=300),
            DashboardCard("Family views for audits", "Children's and parents' views you are "
                          "named to gather for multi-agency audits.", "multi_agency.family_index",
                          "Record family views", permissions.FAMILY_VOICE, order=310)]


@hookimpl
def qa_report_sections(context: ReportContext) -> list[ReportSection]:
    from plugins.multi_agency.sections import audits_section

    return [audits_section(context)]


@hookimpl
def qa_case_panels(case, user, asking) -> list[CasePanel]:
    """Which multi-agency audits looked at this case (references and stages only)."""
    from plugins.multi_agency.models import MultiAgencyAudit, MultiAgencyCase
    from plugins.multi_agency.visibility import visible_audits

    audits = db.session.scalars(visible_audits(user).where(
        MultiAgencyAudit.cases.any(MultiAgencyCase.case_id == case.id)))
    items = tuple(PanelItem(a.reference, f"{a.title}: {a.status_label}",
                            url=f"/multi-agency/{a.id}/cases/{case.code}") for a in audits)
    return [CasePanel("multi_agency.case", "Multi-agency audits", permissions.VIEW,
                      items=items, empty="Not in any multi-agency audit.")]


@hookimpl
def qa_on_case_destroyed(case) -> None:
    from plugins.multi_agency.retention import destroy_narrative

    destroy_narrative(case)
