"""Submitting an audit and the QA check: accept it, or return it with comments.

Acceptance settles the audit's grade (the grading after the conversation), ends the auditor's
access to the child's identity, raises the agreed actions on the action tracker, draws the
moderation sample and plans any re-audit.
"""

from __future__ import annotations

import random
from typing import Any

from core.toolkit import (
    TransitionRefused,
    WorkflowInstance,
    close_assignment,
    db,
    fire,
    instances_for,
    record_access,
)
from plugins.single_agency import (
    actions,
    clock,
    difference,
    moderation,
    notices,
    reaudits,
    responses,
)
from plugins.single_agency import audits as audit_service
from plugins.single_agency.audits import AuditInvalid, StaleAudit
from plugins.single_agency.models import Audit
from plugins.single_agency.settings import KEY
from plugins.single_agency.workflow import AUDIT

MIN_COMMENTS = 10


def instance_of(audit: Audit) -> WorkflowInstance:
    return instances_for(AUDIT, audit.id, AUDIT)[-1]


def _fire(audit: Audit, key: str, user: Any, note: str | None = None) -> None:
    try:
        instance = fire(instance_of(audit), key, user, note=note)
    except TransitionRefused as refused:
        if refused.kind == "conflict":
            raise StaleAudit() from None
        raise AuditInvalid({"audit": refused.reason}) from None
    audit.state, audit.updated_at = instance.state, clock.now()


def submit(audit: Audit, user: Any, version: Any) -> None:
    """Send the finished audit to the QA team; its grading after the conversation is recorded."""
    audit_service.begin_edit(audit, user, version)
    problems = audit_service.submission_problems(audit)
    if problems:
        raise AuditInvalid(problems)
    audit_service.record_after_conversation(audit, user)
    _fire(audit, "submit", user)
    audit.submitted_at = clock.now()
    db.session.flush()
    record_access("audit_submitted", audit.case, user, detail=audit.reference)


def accept(audit: Audit, user: Any, rng: random.Random) -> None:
    _fire(audit, "accept", user)
    audit.accepted_at, audit.accepted_by_id = clock.now(), user.id
    audit.final_grade = audit_service.latest_overall(audit, "after_conversation")
    audit.final_stage = "after_conversation"
    if audit.auditor is not None:
        close_assignment(audit.auditor, audit.case, KEY, audit.reference, by=user)
    db.session.flush()
    actions.raise_all(audit, user)
    programme = reaudits.programme_of(audit)
    moderation.consider(audit, programme, rng)
    reaudits.accepted(audit, user)
    record_access("audit_accepted", audit.case, user, detail=audit.reference)
    notices.accepted(audit)
    responses.share(audit, programme, user)
    difference.sync(audit)


def return_for_amendment(audit: Audit, user: Any, comments: str) -> None:
    text = (comments or "").strip()
    if len(text) < MIN_COMMENTS:
        raise AuditInvalid({"comments": "Write what the auditor needs to amend "
                                        f"(at least {MIN_COMMENTS} characters)"})
    _fire(audit, "return", user, note=text)
    audit.qa_comments = text
    db.session.flush()
    notices.returned(audit)


def cancel(audit: Audit, user: Any, reason: str) -> None:
    text = (reason or "").strip()
    if len(text) < MIN_COMMENTS:
        raise AuditInvalid({"reason": "Say why the audit is cancelled "
                                      f"(at least {MIN_COMMENTS} characters)"})
    _fire(audit, "cancel", user, note=text)
    if audit.auditor is not None:
        close_assignment(audit.auditor, audit.case, KEY, audit.reference, by=user)
    db.session.flush()
