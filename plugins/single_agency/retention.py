"""Retention: when a case's identity is destroyed, its audits lose their narrative.

Grades, dates, states and counts stay for trend reports (DOMAIN.md: kept three years, then
destroyed with a record); everything typed about the child goes, in the transaction that
destroys the case.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from core.toolkit import db
from plugins.single_agency.models import (
    Audit,
    AuditResponse,
    Dispute,
    MakeADifference,
    SafetyAlert,
)

GONE = "(removed under the retention rule)"


def forget_case(case: Any) -> None:
    for audit in db.session.scalars(select(Audit).where(Audit.case_id == case.id)):
        _forget_audit(audit)
        for alert in db.session.scalars(select(SafetyAlert).where(
                SafetyAlert.audit_id == audit.id)):
            alert.details, alert.resolution = None, None
        for dispute in db.session.scalars(select(Dispute).where(Dispute.audit_id == audit.id)):
            dispute.grounds = GONE
        for response in db.session.scalars(select(AuditResponse).where(
                AuditResponse.audit_id == audit.id)):
            response.discussion = response.agreed = response.hos_notes = None
        for summary in db.session.scalars(select(MakeADifference).where(
                MakeADifference.audit_id == audit.id, MakeADifference.state != "published")):
            summary.summary = GONE  # a published summary has gone out without identity
    db.session.flush()


def _forget_audit(audit: Audit) -> None:
    audit.file_review = _grades_only(audit.file_review)
    audit.after = _grades_only(audit.after)
    audit.file_review_overall = {"choice": audit.file_review_overall.get("choice", "")}
    audit.after_overall = {"choice": audit.after_overall.get("choice", "")}
    audit.conversation_notes = audit.safety_notes = audit.qa_comments = None
    audit.strengths = audit.development = None
    audit.actions = [{**a, "what": GONE} for a in audit.actions]
    for contact in audit.contacts:
        contact.summary = None
    if audit.moderation is not None:
        moderation = audit.moderation
        moderation.meeting_notes = None
        moderation.outcomes = {code: {**o, "reason": ""} for code, o in
                               moderation.outcomes.items()}
        moderation.overall = {**moderation.overall, "reason": ""} if moderation.overall else {}


def _grades_only(draft: dict) -> dict:
    keep = ("grade", "score", "na")
    return {code: {k: v for k, v in entry.items() if k in keep} for code, entry in draft.items()}
