"""Imports every core model so metadata (create_all, Alembic) sees all core tables."""

from core.accesslog.models import AccessLogEntry, AccessLogHead
from core.actions.models import Action, ActionEntry, ActionEscalation, ActionPlan, ActionReview
from core.api.models import ApiCall, ApiToken, IdempotentResponse
from core.cases.models import Case, SiblingGroup, WithheldInformation
from core.crypto.models import DataKey
from core.documents.models import Document
from core.exports.models import ExportFile
from core.identity.models import (
    Agency,
    Membership,
    Partnership,
    SecurityEvent,
    Team,
    User,
    UserSession,
)
from core.jobs.models import JobRecord, MailMessage, ScheduleRun
from core.loop.models import LoopRecord, LoopUpdate
from core.notifications.models import (
    Notification,
    NotificationDigest,
    NotificationPreference,
)
from core.reports.models import ReportSetting
from core.tools.models import GradeRecord, ToolVersion
from core.workflow.models import SlaClock, TransitionLog, WorkflowAlert, WorkflowInstance

__all__ = [
    "AccessLogEntry",
    "AccessLogHead",
    "Action",
    "ActionEntry",
    "ActionEscalation",
    "ActionPlan",
    "ActionReview",
    "Agency",
    "ApiCall",
    "ApiToken",
    "Case",
    "DataKey",
    "Document",
    "ExportFile",
    "GradeRecord",
    "IdempotentResponse",
    "JobRecord",
    "LoopRecord",
    "LoopUpdate",
    "MailMessage",
    "Membership",
    "Notification",
    "NotificationDigest",
    "NotificationPreference",
    "Partnership",
    "ReportSetting",
    "ScheduleRun",
    "SecurityEvent",
    "SiblingGroup",
    "SlaClock",
    "Team",
    "ToolVersion",
    "TransitionLog",
    "User",
    "UserSession",
    "WithheldInformation",
    "WorkflowAlert",
    "WorkflowInstance",
]
