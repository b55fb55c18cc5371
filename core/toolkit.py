"""The only core module a plugin may import.

Stability promise: every name in `__all__` keeps its meaning and signature within a major
version; changes are recorded in CHANGELOG.md. Anything else in `core` is internal and may
change without notice (an import-linter contract keeps plugins out of it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pluggy
from flask import current_app
from flask_login import current_user
from flask_smorest import Blueprint as ApiBlueprint

from core.accesslog.chain import append as append_access_log
from core.actions.models import Action, ActionPlan
from core.actions.plans import create_plan as create_action_plan
from core.actions.retention import forget_action
from core.actions.service import ActionInvalid, ActionSource, actions_for, raise_action
from core.api.auth import api_permission_required
from core.api.auth import current_agency as current_api_agency
from core.api.auth import current_token as current_api_token
from core.api.idempotency import idempotent
from core.case_panels import case_panels
from core.cases.attachments import ALLOWED_TEXT as ALLOWED_DOCUMENT_KINDS
from core.cases.attachments import AttachmentRefused as DocumentRefused
from core.cases.attachments import AttachmentTooLarge as DocumentTooLarge
from core.cases.attachments import max_bytes as document_max_bytes
from core.cases.attributes import COHORTS
from core.cases.models import Case, DestructionRecord
from core.cases.reveal import REASONS as REVEAL_REASONS
from core.cases.reveal import may_reveal
from core.cases.reveal import reason_errors as reveal_reason_errors
from core.cases.service import assign_to_case, close_assignment, record_access, register_case
from core.cases.withheld import (
    WITHHELD_BASES,
    record_withheld,
    withheld_errors,
    withheld_records,
)
from core.contributions import (
    CasePanel,
    DashboardCard,
    FamilyFeedback,
    JobType,
    NavItem,
    PanelAction,
    PanelItem,
    Permission,
    PluginInfo,
    ScheduledJob,
    ToolSource,
)
from core.crypto.blind_index import blind_index
from core.crypto.envelope import DecryptionFailed
from core.crypto.fields import EncryptedFields
from core.crypto.keyring import KeyUnavailable
from core.csvimport import LineError, read_table
from core.csvsafe import csv_lines
from core.documents.models import Document
from core.documents.service import (
    discard_document,
    document_label,
    documents_of,
    find_document,
    remove_document,
    send_document,
    store_document,
)
from core.exports.content import MARKING as EXPORT_MARKING
from core.exports.content import Block as ExportBlock
from core.exports.content import Document as ExportDocument
from core.exports.content import Table as ExportTable
from core.exports.pdf import document_pdf as export_pdf
from core.exports.xlsx import document_xlsx as export_xlsx
from core.extensions import db, limiter
from core.family_feedback import (
    FAMILY_CONTACT_OUTCOMES,
    FAMILY_CONTACT_WITH,
    share_family_feedback,
)
from core.hookspecs import PROJECT
from core.identity.access import (
    AUTHENTICATED,
    can,
    login_required,
    permission_required,
    public,
    require,
    roles_with,
    scoped,
    visible_agencies,
    visible_partnerships,
)
from core.identity.models import (
    Agency,
    AgencyScoped,
    Membership,
    Partnership,
    Scope,
    Team,
    User,
)
from core.identity.roles import AGENCY_TYPES, MANAGEMENT_LINE, ROLES
from core.jobs import enqueue, job_progress
from core.mail import send_mail
from core.notifications import already_told, notify
from core.reports.sections import (
    ChartSeries,
    ReportChart,
    ReportContext,
    ReportFigure,
    ReportFinding,
    ReportSection,
)
from core.timeutil import UTCDateTime, format_london, utcnow
from core.tools.definition import Domain, Question, Tool
from core.tools.grading import (
    GRADES,
    NOT_APPLICABLE,
    Grade,
    GradingError,
    OverallResult,
    grade_from_score,
    overall_grade,
)
from core.tools.history import grade_history, record_grade, record_grading
from core.tools.loader import ToolDefinitionError, load_tool
from core.tools.models import GRADE_STAGES
from core.tools.registry import ToolNotFound, get_tool, published_tools
from core.web.downloads import download_view
from core.workflow.calendar import (
    add_working_days,
    end_of_day_utc,
    is_working_day,
    working_days_between,
)
from core.workflow.engine import (
    TransitionRefused,
    allowed_transitions,
    fire,
    instances_for,
    start_workflow,
)
from core.workflow.escalation import escalation_recipients
from core.workflow.machine import (
    Delay,
    EscalationStep,
    SlaRule,
    State,
    Transition,
    WorkflowDefinition,
)
from core.workflow.models import WorkflowInstance

hookimpl = pluggy.HookimplMarker(PROJECT)
Model = db.Model


def plugin_config(key: str) -> dict[str, Any]:
    """Settings under the plugin's key (`app.config[KEY.upper()]`), empty if none given."""
    return dict(current_app.config.get(key.upper(), {}))


def monthly_cycle_replaced_by(agency: Agency, year: int, month: int) -> str | None:
    """What takes the place of the council's monthly audit cycle in that month (e.g. "Practice
    week PW-0003"), or None: the first plugin answering `qa_replaces_monthly_cycle`."""
    hook = current_app.extensions["plugins"].pm.hook.qa_replaces_monthly_cycle
    return hook(agency=agency, year=year, month=month)


def rate_limit(limit: str | Callable[[], str], *, methods: list[str] | None = None,
               ) -> Callable[[Any], Any]:
    """Throttle a view per client address, e.g. ``rate_limit("20 per minute")`` under
    `public` on a page anyone can reach. `limit` may be a function returning the limit (read
    from config at request time). Counts live in RATELIMIT_STORAGE_URI (Redis in production);
    a refused request is answered 429."""
    return limiter.limit(limit, methods=methods)


__all__ = [
    "AGENCY_TYPES",
    "ALLOWED_DOCUMENT_KINDS",
    "AUTHENTICATED",
    "COHORTS",
    "EXPORT_MARKING",
    "FAMILY_CONTACT_OUTCOMES",
    "FAMILY_CONTACT_WITH",
    "GRADES",
    "GRADE_STAGES",
    "MANAGEMENT_LINE",
    "NOT_APPLICABLE",
    "REVEAL_REASONS",
    "ROLES",
    "WITHHELD_BASES",
    "Action",
    "ActionInvalid",
    "ActionPlan",
    "ActionSource",
    "Agency",
    "AgencyScoped",
    "ApiBlueprint",
    "Case",
    "CasePanel",
    "ChartSeries",
    "DashboardCard",
    "DecryptionFailed",
    "Delay",
    "DestructionRecord",
    "Document",
    "DocumentRefused",
    "DocumentTooLarge",
    "Domain",
    "EncryptedFields",
    "EscalationStep",
    "ExportBlock",
    "ExportDocument",
    "ExportTable",
    "FamilyFeedback",
    "Grade",
    "GradingError",
    "JobType",
    "KeyUnavailable",
    "LineError",
    "Membership",
    "Model",
    "NavItem",
    "OverallResult",
    "PanelAction",
    "PanelItem",
    "Partnership",
    "Permission",
    "PluginInfo",
    "Question",
    "ReportChart",
    "ReportContext",
    "ReportFigure",
    "ReportFinding",
    "ReportSection",
    "ScheduledJob",
    "Scope",
    "SlaRule",
    "State",
    "Team",
    "Tool",
    "ToolDefinitionError",
    "ToolNotFound",
    "ToolSource",
    "Transition",
    "TransitionRefused",
    "UTCDateTime",
    "User",
    "WorkflowDefinition",
    "WorkflowInstance",
    "actions_for",
    "add_working_days",
    "allowed_transitions",
    "already_told",
    "api_permission_required",
    "append_access_log",
    "assign_to_case",
    "blind_index",
    "can",
    "case_panels",
    "close_assignment",
    "create_action_plan",
    "csv_lines",
    "current_api_agency",
    "current_api_token",
    "current_user",
    "db",
    "discard_document",
    "document_label",
    "document_max_bytes",
    "documents_of",
    "download_view",
    "end_of_day_utc",
    "enqueue",
    "escalation_recipients",
    "export_pdf",
    "export_xlsx",
    "find_document",
    "fire",
    "forget_action",
    "format_london",
    "get_tool",
    "grade_from_score",
    "grade_history",
    "hookimpl",
    "idempotent",
    "instances_for",
    "is_working_day",
    "job_progress",
    "load_tool",
    "login_required",
    "may_reveal",
    "monthly_cycle_replaced_by",
    "notify",
    "overall_grade",
    "permission_required",
    "plugin_config",
    "public",
    "published_tools",
    "raise_action",
    "rate_limit",
    "read_table",
    "record_access",
    "record_grade",
    "record_grading",
    "record_withheld",
    "register_case",
    "remove_document",
    "require",
    "reveal_reason_errors",
    "roles_with",
    "scoped",
    "send_document",
    "send_mail",
    "share_family_feedback",
    "start_workflow",
    "store_document",
    "utcnow",
    "visible_agencies",
    "visible_partnerships",
    "withheld_errors",
    "withheld_records",
    "working_days_between",
]
