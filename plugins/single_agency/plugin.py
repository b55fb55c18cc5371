"""Hook implementations: what the single-agency audit plugin contributes to the platform."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask
from sqlalchemy import func, select

from core.toolkit import (
    CasePanel,
    DashboardCard,
    JobType,
    NavItem,
    Permission,
    PluginInfo,
    ScheduledJob,
    WorkflowDefinition,
    can,
    db,
    hookimpl,
)
from plugins.single_agency import jobs, models, workflow
from plugins.single_agency.settings import KEY

AUDITORS = ("team_manager", "service_manager", "head_of_service", "assistant_director",
            "principal_social_worker", "qa_officer", "qa_manager", "iro")
QA_TEAM = ("qa_officer", "qa_manager")
COUNCIL_WIDE = (*QA_TEAM, "service_manager", "head_of_service", "assistant_director",
                "director", "principal_social_worker")


@hookimpl
def qa_describe() -> PluginInfo:
    return PluginInfo(key=KEY, name="Single-agency case file audits", version="0.1.0",
                      description="The monthly case file audit cycle of a council: sampling, "
                                  "allocation, grading, QA check, moderation, disputes and "
                                  "re-audits.")


@hookimpl
def qa_register_permissions() -> list[Permission]:
    return [
        Permission(f"{KEY}.view", "See case file audits of one's own team or own work",
                   ("practitioner", *AUDITORS, "director")),
        Permission(f"{KEY}.view_all", "See every case file audit of the council", COUNCIL_WIDE),
        Permission(f"{KEY}.audit", "Carry out case file audits allocated to one", AUDITORS),
        Permission(f"{KEY}.qa", "Draw samples, send allocations and check audits", QA_TEAM),
        Permission(f"{KEY}.programme", "Set the council's audit programme", ("qa_manager",)),
        Permission(f"{KEY}.moderate", "Moderate case file audits",
                   ("qa_manager", "principal_social_worker", "service_manager",
                    "head_of_service", "assistant_director")),
        Permission(f"{KEY}.dispute", "Dispute an audit of one's own case or team",
                   ("practitioner", "team_manager")),
        Permission(f"{KEY}.dispute_review", "Review disputes at the formal stage",
                   (*QA_TEAM, "principal_social_worker", "service_manager")),
        Permission(f"{KEY}.dispute_decide", "Decide disputes escalated to the head of service",
                   ("head_of_service", "assistant_director")),
        Permission(f"{KEY}.dispute_final", "Decide disputes escalated to the assistant director",
                   ("assistant_director",)),
        Permission(f"{KEY}.respond", "Record the team's discussion and actions after an audit",
                   ("practitioner", "team_manager")),
        Permission(f"{KEY}.hos_review", "Review inadequate audits as head of service",
                   ("head_of_service", "assistant_director")),
        Permission(f"{KEY}.publish", "Edit and publish Make a Difference summaries", QA_TEAM),
        Permission(f"{KEY}.alert", "Respond to safety alerts raised by audits",
                   ("team_manager", "service_manager", "head_of_service", "assistant_director",
                    "director")),
    ]


@hookimpl
def qa_register_blueprints(app: Flask) -> list[Blueprint]:
    from plugins.single_agency.views import bp

    return [bp]


@hookimpl
def qa_register_job_types() -> list[JobType]:
    return [JobType(f"{KEY}.start_cycles", jobs.start_cycles,
                    "Draw each council's monthly audit sample on the cycle's first working day")]


@hookimpl
def qa_register_scheduled_jobs() -> list[ScheduledJob]:
    return [ScheduledJob(f"{KEY}.start_cycles", f"{KEY}.start_cycles", "0 7 * * 1-5",
                         description="Open the monthly audit cycles (weekdays at 7am)")]


@hookimpl
def qa_register_workflows() -> list[WorkflowDefinition]:
    return list(workflow.WORKFLOWS)


@hookimpl
def qa_navigation_contributions(user: Any) -> list[NavItem]:
    return [NavItem("Case file audits", f"{KEY}.index", f"{KEY}.view", order=100)]


@hookimpl
def qa_dashboard_contributions(user: Any) -> list[DashboardCard]:
    if not can(f"{KEY}.view", user=user):
        return []
    mine = db.session.scalar(select(func.count(models.Audit.id)).where(
        models.Audit.auditor_id == user.id,
        models.Audit.state.in_(("allocated", "returned"))))
    card = DashboardCard("Case file audits", "Audits allocated to you that are not yet "
                         "submitted, and your team's audits.", f"{KEY}.index",
                         "See case file audits", f"{KEY}.view", count=mine, order=100)
    return [*_alert_cards(user), card]


def _alert_cards(user: Any) -> list[DashboardCard]:
    """Open safety alerts stay at the top of the dashboard of everyone who must respond to
    them until each is resolved (the most important notice in the system)."""
    if not can(f"{KEY}.alert", user=user):
        return []
    from plugins.single_agency.scope import visible_audits

    visible = visible_audits(user).with_only_columns(models.Audit.id)
    open_ = db.session.scalar(select(func.count(models.SafetyAlert.id)).where(
        models.SafetyAlert.state == "open", models.SafetyAlert.audit_id.in_(visible)))
    if not open_:
        return []
    return [DashboardCard("Open safety alerts", "Audits found a concern for a child's safety or "
                          "no supervision for six months. Each stays here until the response "
                          "is recorded.", f"{KEY}.alert_list", "Respond to the safety alerts",
                          f"{KEY}.alert", count=open_, order=1)]


@hookimpl
def qa_report_sections(context: Any) -> list[Any]:
    from plugins.single_agency.report import report_sections

    return report_sections(context)


@hookimpl
def qa_on_case_destroyed(case: Any) -> None:
    """Retention: remove the narrative about the case; keep grades, dates and counts."""
    from plugins.single_agency.retention import forget_case

    forget_case(case)


@hookimpl
def qa_case_panels(case: Any, user: Any, asking: str) -> list[CasePanel]:
    """Other activities' pages of a case list its audits the person may open."""
    from plugins.single_agency.panels import audits_panel

    return audits_panel(case, user)
