"""The built-in plugin: core's permissions, navigation and dashboard cards.

It is registered like any other plugin (so core's contributions go through the same
validation and ordering) but is always first and cannot be switched off.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pluggy
from flask import Blueprint, Flask

from core.contributions import DashboardCard, NavItem, Permission, PluginInfo, ToolSource
from core.hookspecs import PROJECT
from core.identity.roles import MANAGEMENT_LINE

hookimpl = pluggy.HookimplMarker(PROJECT)

LEADERS = (*MANAGEMENT_LINE, "principal_social_worker", "qa_manager")
COORDINATION = ("partnership_coordinator", "platform_admin")
CASE_REGISTRARS = ("partnership_coordinator", "qa_officer", "qa_manager",
                   "agency_lead_auditor", "lado")
CASE_READERS = (*CASE_REGISTRARS, *LEADERS, "iro", "reg44_visitor")
TOOL_MANAGERS = ("qa_manager", "partnership_coordinator", "platform_admin")
TOOL_READERS = (*LEADERS, "qa_officer", *TOOL_MANAGERS)
ACTION_READERS = (*LEADERS, "qa_officer", "agency_lead_auditor", "iro", "board_member",
                  *COORDINATION)
ACTION_MANAGERS = (*LEADERS, "qa_officer", "agency_lead_auditor", *COORDINATION)
ACTION_REVIEWERS = ("qa_officer", "qa_manager", "principal_social_worker",
                    "partnership_coordinator")
LOOP_MANAGERS = ("qa_officer", "qa_manager", "principal_social_worker", "head_of_service",
                 *COORDINATION)
REPORT_READERS = (*LEADERS, "qa_officer", "agency_lead_auditor", "lead_member", "board_member",
                  *COORDINATION)


@hookimpl
def qa_describe() -> PluginInfo:
    return PluginInfo(key="core", name="Core", version="0.1.0",
                      description="Identity, access, jobs and the GOV.UK shell.")


@hookimpl
def qa_register_permissions() -> list[Permission]:
    return [
        Permission("admin.partnerships.manage", "Create and rename partnerships",
                   ("platform_admin",), sensitive=True),
        Permission("admin.agencies.view", "See agencies and their teams",
                   (*COORDINATION, *LEADERS, "ig_officer")),
        Permission("admin.agencies.manage", "Add and change agencies and teams",
                   COORDINATION, sensitive=True),
        Permission("admin.people.view", "See people and their roles",
                   (*COORDINATION, *LEADERS, "ig_officer")),
        Permission("admin.people.manage", "Add people, change their roles, import people",
                   COORDINATION, sensitive=True),
        Permission("admin.plugins.view", "See which plugins are installed and enabled",
                   ("platform_admin",)),
        Permission("jobs.view_all", "See every background job, not only one's own",
                   ("platform_admin",)),
        Permission("cases.reveal_identity", "Reveal a child's identity behind a case code",
                   ("partnership_coordinator",), sensitive=True),
        Permission("cases.view", "See case codes and non-identifying attributes",
                   CASE_READERS),
        Permission("cases.register", "Code new cases, change identity, import cases",
                   CASE_REGISTRARS, sensitive=True),
        Permission("cases.withhold", "Record that the agency withheld information",
                   (*MANAGEMENT_LINE, "qa_manager", "agency_lead_auditor", "lado")),
        Permission("cases.attach", "Add evidence files to cases", CASE_REGISTRARS),
        Permission("cases.legal_hold", "Put a case under legal hold or lift it",
                   COORDINATION, sensitive=True),
        Permission("retention.manage", "See what retention will destroy and when",
                   COORDINATION),
        Permission("accesslog.view", "Browse and export the access log",
                   ("ig_officer", "platform_admin"), sensitive=True),
        Permission("tools.view", "See audit tools, their versions and descriptors",
                   TOOL_READERS),
        Permission("api.use", "Make personal API tokens and use the partner API",
                   ("agency_lead_auditor", "qa_officer", "qa_manager", "partnership_coordinator",
                    "lado")),
        Permission("tools.manage", "Copy, edit and publish versions of audit tools",
                   TOOL_MANAGERS),
        Permission("actions.view", "See the action tracker and plans for one's agency or "
                   "partnership", ACTION_READERS),
        Permission("actions.manage", "Raise, change and cancel actions; create action plans",
                   ACTION_MANAGERS),
        Permission("actions.sign_off", "Sign off completed actions as the owner's line manager",
                   MANAGEMENT_LINE),
        Permission("actions.review", "Record whether a sampled signed-off action made a "
                   "difference", ACTION_REVIEWERS),
        Permission("loop.view", "See closing-the-loop records", ACTION_READERS),
        Permission("loop.manage", "Write and update closing-the-loop records", LOOP_MANAGERS),
        Permission("reports.view", "See and export QA reports for one's agency or partnership",
                   REPORT_READERS),
        Permission("reports.manage", "Set a partnership's completion target and report grades",
                   COORDINATION),
    ]


@hookimpl
def qa_register_blueprints(app: Flask) -> list[Blueprint]:
    from core.accesslog.views import bp as accesslog_bp
    from core.actions.views import bp as actions_bp
    from core.admin.views import bp as admin_bp
    from core.auth.views import bp as auth_bp
    from core.cases.views import bp as cases_bp
    from core.exports.views import bp as exports_bp
    from core.jobs.views import bp as jobs_bp
    from core.loop.views import bp as loop_bp
    from core.notifications.views import bp as notifications_bp
    from core.reports.views import bp as reports_bp
    from core.tools.views import bp as tools_bp
    from core.web.views import bp as web_bp

    return [web_bp, auth_bp, admin_bp, jobs_bp, cases_bp, accesslog_bp, tools_bp,
            notifications_bp, reports_bp, exports_bp, actions_bp, loop_bp]


@hookimpl
def qa_navigation_contributions(user: Any) -> list[NavItem]:
    return [
        NavItem("Home", "core.home", "__authenticated__", order=0),
        NavItem(_inbox_title(user), "notifications.inbox", "__authenticated__", order=5),
        NavItem("Actions", "actions.index", "__authenticated__", order=600),
        NavItem("Closing the loop", "loop.index", "loop.view", order=650),
        NavItem("Reports", "reports.index", "reports.view", order=700),
        NavItem("Cases", "cases.index", "cases.view", order=800),
        NavItem("Audit tools", "tools.index", "tools.view", order=850),
        NavItem("Access log", "accesslog.index", "accesslog.view", order=950),
        NavItem("Retention", "cases.retention_overview", "retention.manage", order=960),
        NavItem("People", "admin.people", "admin.people.view", order=900),
        NavItem("Agencies", "admin.agencies", "admin.agencies.view", order=910),
        NavItem("Plugins", "admin.plugins", "admin.plugins.view", order=990),
    ]


def _inbox_title(user: Any) -> str:
    """"Inbox (3 unread)": the header shows at a glance that something is waiting."""
    from core.notifications.inbox import unread_count

    count = unread_count(user) if getattr(user, "is_authenticated", False) else 0
    return f"Inbox ({count} unread)" if count else "Inbox"


@hookimpl
def qa_dashboard_contributions(user: Any) -> list[DashboardCard]:
    return [
        DashboardCard("People and roles", "Add people, give them roles, import from CSV.",
                      "admin.people", "Manage people", "admin.people.view", order=900),
        DashboardCard("Agencies and teams", "The organisations in your partnership.",
                      "admin.agencies", "See agencies", "admin.agencies.view", order=910),
    ]


@hookimpl
def qa_register_tools() -> list[ToolSource]:
    """The standard library of tools that follow the seeds (a deployment picks one)."""
    return [ToolSource(Path(__file__).resolve().parent.parent / "tools" / "library")]


@hookimpl
def qa_on_case_destroyed(case: Any) -> None:
    """Core's own narrative about a case: the free text of its actions."""
    from core.actions.retention import forget_case

    forget_case(case)


@hookimpl
def qa_register_job_types():
    from core.exports.jobs import JOB_TYPES as EXPORT_JOB_TYPES
    from core.jobs.builtin_jobs import JOB_TYPES
    from core.workflow.sweep import JOB_TYPES as WORKFLOW_JOB_TYPES

    return [*JOB_TYPES, *WORKFLOW_JOB_TYPES, *EXPORT_JOB_TYPES]


@hookimpl
def qa_register_scheduled_jobs():
    from core.exports.jobs import SCHEDULES as EXPORT_SCHEDULES
    from core.jobs.builtin_jobs import SCHEDULES
    from core.workflow.sweep import SCHEDULES as WORKFLOW_SCHEDULES

    return [*SCHEDULES, *WORKFLOW_SCHEDULES, *EXPORT_SCHEDULES]


@hookimpl
def qa_report_sections(context: Any) -> list:
    """Core's sections: completion, grade mix, moderation and actions (themes come last)."""
    from core.reports.core_sections import core_sections

    return core_sections(context)
