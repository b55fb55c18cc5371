"""Hook implementations of the LADO plugin (thin: the work is in the modules they name)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, Flask
from sqlalchemy import func, select

from core.toolkit import (
    MANAGEMENT_LINE,
    DashboardCard,
    JobType,
    NavItem,
    Permission,
    PluginInfo,
    ReportContext,
    ReportSection,
    ScheduledJob,
    ToolSource,
    db,
    hookimpl,
)
from plugins.lado import access, jobs, report
from plugins.lado.models import LadoAudit, LadoReferral, LadoReferralChild

KEY = "lado"
# Anyone who may be the LADO's manager or an auditor passes the gate; the per-referral rule in
# `access` decides what each of them may open.
GATE = ("lado", "partnership_coordinator", *MANAGEMENT_LINE, "principal_social_worker",
        "qa_officer", "qa_manager", "agency_lead_auditor")
AUDITORS = ("qa_officer", "qa_manager", "agency_lead_auditor", "lado", "partnership_coordinator",
            "principal_social_worker")


@hookimpl
def qa_describe() -> PluginInfo:
    return PluginInfo(key=KEY, name="LADO audits", version="1.0.0",
                      description="Allegations against people who work with children: the "
                                  "referrals register, annual and ad hoc audits, timeliness "
                                  "and quarterly and annual reports.")


@hookimpl
def qa_register_permissions() -> list[Permission]:
    return [
        # Not `sensitive`: it is only the gate; the permissions that open every referral or
        # reveal the adult are, so their holders must use MFA.
        Permission(access.VIEW, "Open LADO referrals you have a part in (LADO, the LADO's "
                   "manager, coordinator, auditors)", GATE),
        Permission(access.REGISTER, "Record, import and change LADO referrals; reveal the "
                   "adult's role and employer", ("lado",), sensitive=True),
        Permission(access.OVERSEE, "See every LADO referral of the partnership, coded",
                   ("partnership_coordinator",), sensitive=True),
        Permission(access.AUDIT, "Audit LADO referrals allocated to you", AUDITORS,
                   sensitive=True),
        Permission(access.PLAN, "Plan annual and ad hoc LADO audits and allocate auditors",
                   ("partnership_coordinator",), sensitive=True),
        Permission(access.REPORTS, "Read the quarterly and annual LADO reports",
                   ("lado", "partnership_coordinator", "board_member")),
        Permission(access.SETTINGS, "Set LADO timeliness targets and the annual sample size",
                   ("lado", "partnership_coordinator")),
    ]


@hookimpl
def qa_register_blueprints(app: Flask) -> list[Blueprint]:
    from plugins.lado import (  # noqa: F401 - each module adds its routes to the blueprint
        audit_views,
        import_views,
        report_views,
        settings_views,
    )
    from plugins.lado.views import bp

    return [bp]


@hookimpl
def qa_register_tools() -> list[ToolSource]:
    return [ToolSource(Path(__file__).parent / "tools")]


@hookimpl
def qa_register_job_types() -> list[JobType]:
    return [JobType("lado.long_running", jobs.long_running,
                    "Tells each LADO service which referrals have become long-running")]


@hookimpl
def qa_register_scheduled_jobs() -> list[ScheduledJob]:
    return [ScheduledJob("lado.weekly_long_running", "lado.long_running", "0 7 * * 1",
                         description="Monday 7am: long-running LADO referrals")]


def _involved(user: Any) -> bool:
    """Whether the LADO pages have anything for this person (menu and card only then)."""
    if access.whole_register(user) or access.partnerships_with(access.PLAN, user):
        return True
    if access.partnerships_with(access.REPORTS, user):
        return True
    return db.session.scalar(select(LadoAudit.id).where(LadoAudit.auditor_id == user.id).limit(1)) \
        is not None


@hookimpl
def qa_navigation_contributions(user: Any) -> list[NavItem]:
    if not _involved(user):
        return []
    if access.partnerships_with(access.VIEW, user):
        return [NavItem("LADO", "lado.index", access.VIEW, order=60)]
    return [NavItem("LADO reports", "lado.reports", access.REPORTS, order=60)]


@hookimpl
def qa_dashboard_contributions(user: Any) -> list[DashboardCard]:
    if not _involved(user):
        return []
    visible = access.visible_referrals(user).subquery()
    count = db.session.scalar(select(func.count()).select_from(visible))
    cards = [DashboardCard("LADO referrals", "Allegations against people who work with "
                           "children that you may open.", "lado.index", "See LADO referrals",
                           access.VIEW, count=count, order=60)]
    mine = db.session.scalar(select(func.count(LadoAudit.id)).where(
        LadoAudit.auditor_id == user.id, LadoAudit.status == "allocated"))
    if mine:
        cards.append(DashboardCard("LADO audits to do", "LADO audits allocated to you.",
                                   "lado.audits", "Open your LADO audits", access.VIEW,
                                   count=mine, order=61))
    return cards


@hookimpl
def qa_may_reveal_identity(user: Any, case: Any) -> bool | None:
    """The LADO (or an auditor with an open LADO audit) may reveal the identity of a child in
    one of their referrals; the reveal still needs a reason and is logged by core."""
    links = db.session.scalars(select(LadoReferral).join(LadoReferralChild).where(
        LadoReferralChild.case_id == case.id)).all()
    return any(access.may_reveal_adult(user, referral) for referral in links) or None


@hookimpl
def qa_report_sections(context: ReportContext) -> list[ReportSection]:
    return report.report_sections(context)


@hookimpl
def qa_on_case_destroyed(case: Any) -> None:
    """Retention: a referral loses its sealed and written details with its last child's case;
    dates, categories, outcomes and grades stay for the reports."""
    from plugins.lado.retention import destroy_referrals

    destroy_referrals(case)
