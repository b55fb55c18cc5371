"""Hook implementations of the feedback plugin (thin: the work is in the modules they name)."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint
from sqlalchemy import func, update

from core.toolkit import (
    MANAGEMENT_LINE,
    CasePanel,
    DashboardCard,
    NavItem,
    Permission,
    PluginInfo,
    ReportSection,
    ToolSource,
    WorkflowDefinition,
    db,
    hookimpl,
    scoped,
)
from plugins.feedback import KEY, calls, clock, panels, reports, workflow
from plugins.feedback.models import DisclosureAlert, FeedbackLink, FeedbackResponse

LEADERS = (*MANAGEMENT_LINE, "principal_social_worker", "qa_manager")
READERS = (*LEADERS, "qa_officer", "iro", "partnership_coordinator", "platform_admin")
REQUESTERS = ("team_manager", "service_manager", "qa_officer", "qa_manager", "iro",
              "partnership_coordinator", "platform_admin")
RESPONDERS = ("team_manager", "service_manager", "head_of_service", "principal_social_worker",
              "qa_officer", "qa_manager", "partnership_coordinator")


@hookimpl
def qa_describe() -> PluginInfo:
    return PluginInfo(key=KEY, name="Child and family feedback", version="1.0.0",
                      description="Children's own views by a single-use link with no login, "
                                  "parents' and carers' feedback, calls during audits, "
                                  "same-day safeguarding alerts and \"you said, we did\".")


@hookimpl
def qa_register_permissions() -> list[Permission]:
    return [
        Permission("feedback.view", "See child and family feedback", READERS),
        Permission("feedback.request", "Create feedback links and record telephone feedback",
                   REQUESTERS),
        Permission("feedback.respond", "Tag feedback with themes and record “you said, we did”",
                   RESPONDERS),
        Permission("feedback.acknowledge",
                   "See the duty inbox and acknowledge safeguarding alerts from feedback",
                   LEADERS),
        Permission("feedback.settings", "Set each agency's duty inbox for feedback alerts",
                   ("qa_manager", "partnership_coordinator", "platform_admin")),
    ]


@hookimpl
def qa_register_blueprints(app) -> list[Blueprint]:
    from plugins.feedback.views import bp

    return [bp]


@hookimpl
def qa_register_tools() -> list[ToolSource]:
    return [ToolSource(Path(__file__).parent / "tools")]


@hookimpl
def qa_register_workflows() -> list[WorkflowDefinition]:
    return [workflow.DISCLOSURE]


@hookimpl
def qa_navigation_contributions(user) -> list[NavItem]:
    return [NavItem("Feedback", "feedback.index", "feedback.view", order=60)]


@hookimpl
def qa_dashboard_contributions(user) -> list[DashboardCard]:
    waiting = db.session.scalar(
        scoped(DisclosureAlert, "feedback.acknowledge", user)
        .where(DisclosureAlert.acknowledged_at.is_(None))
        .with_only_columns(func.count(DisclosureAlert.id)))
    received = db.session.scalar(scoped(FeedbackResponse, "feedback.view", user)
                                 .with_only_columns(func.count(FeedbackResponse.id)))
    return [
        DashboardCard("Safeguarding alerts from feedback",
                      "Feedback that needs a person today: acknowledge each alert.",
                      "feedback.alerts", "Open the duty inbox", "feedback.acknowledge",
                      count=waiting, order=15),
        DashboardCard("Child and family feedback", "What children and families told us.",
                      "feedback.index", "See feedback", "feedback.view", count=received,
                      order=60),
    ]


@hookimpl
def qa_report_sections(context) -> list[ReportSection]:
    return reports.sections(context)


@hookimpl
def qa_case_panels(case, user, asking) -> list[CasePanel]:
    panel = panels.case_panel(case, user)
    return [panel] if panel is not None else []


@hookimpl
def qa_on_family_feedback(feedback) -> None:
    calls.on_family_feedback(feedback)


@hookimpl
def qa_on_case_destroyed(case) -> None:
    """Remove the child's and family's words; keep channels, ratings, themes and dates."""
    db.session.execute(
        update(FeedbackResponse).where(FeedbackResponse.case_id == case.id)
        .values(answers_json=None, summary=None, text_destroyed_at=clock.now(),
                version=FeedbackResponse.version + 1)
        .execution_options(synchronize_session=False))
    db.session.execute(
        update(FeedbackLink).where(FeedbackLink.case_id == case.id,
                                   FeedbackLink.used_at.is_(None),
                                   FeedbackLink.withdrawn_at.is_(None))
        .values(withdrawn_at=clock.now()).execution_options(synchronize_session=False))
    db.session.execute(
        update(DisclosureAlert).where(DisclosureAlert.case_id == case.id)
        .values(action_taken=None).execution_options(synchronize_session=False))
