"""The family's voice: a participation worker sees the child, a QA officer speaks to the
parent or carer (Hillingdon App. E, 7). Each is linked to the case code only, and is shared
through core with the feedback activity so the child's and family's views are counted once.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import or_, select

from core.toolkit import (
    FAMILY_CONTACT_OUTCOMES,
    Membership,
    User,
    can,
    db,
    record_access,
    roles_with,
    share_family_feedback,
    utcnow,
)
from plugins.multi_agency.models import ENDED, MultiAgencyAudit, MultiAgencyCase, MultiAgencyVoice
from plugins.multi_agency.permissions import FAMILY_VOICE, MANAGE
from plugins.multi_agency.problems import Invalid, Refused, text
from plugins.multi_agency.programme import log, require_status

KINDS: dict[str, str] = {"child": "The child's views", "parent": "The parent's or carer's views"}
WITH_WHOM = {"child": "child", "parent": "parent_carer"}
VIEWS_LIMIT = 5000


def voice_of(audit_case: MultiAgencyCase, kind: str) -> MultiAgencyVoice | None:
    return db.session.scalar(select(MultiAgencyVoice).where(
        MultiAgencyVoice.audit_case_id == audit_case.id, MultiAgencyVoice.kind == kind))


def worker_for(audit: MultiAgencyAudit, kind: str) -> User | None:
    return audit.participation_worker if kind == "child" else audit.parent_voice_officer


def may_record(audit: MultiAgencyAudit, kind: str, user: Any) -> bool:
    worker = worker_for(audit, kind)
    named = worker is not None and worker.id == getattr(user, "id", None)
    return can(MANAGE, audit, user=user) or (named and can(FAMILY_VOICE, user=user))


def may_read(audit: MultiAgencyAudit, user: Any) -> bool:
    """The coordinator and the two named workers; everyone in the audit after the meeting."""
    if any(may_record(audit, kind, user) for kind in KINDS):
        return True
    return audit.consultation_held and can("multi_agency.view", audit, user=user)


def candidates(audit: MultiAgencyAudit) -> list[User]:
    """People of the partnership who may record family views."""
    roles = roles_with(FAMILY_VOICE)
    agency_ids = [a.id for a in audit.partnership.agencies]
    query = (select(User).join(Membership, Membership.user_id == User.id)
             .where(Membership.role.in_(roles), User.active.is_(True),
                    or_(Membership.agency_id.in_(agency_ids),
                        Membership.partnership_id == audit.partnership_id))
             .distinct().order_by(User.name))
    return list(db.session.scalars(query))


def name_workers(audit: MultiAgencyAudit, child_worker: User | None,
                 parent_officer: User | None, by: User) -> None:
    """Name the participation worker and the QA officer for the audit's family contacts."""
    if audit.status in ENDED:
        raise Refused("The audit is closed.")
    allowed = {u.id for u in candidates(audit)}
    errors = {}
    if child_worker is not None and child_worker.id not in allowed:
        errors["participation_worker"] = "Select a participation worker from the list"
    if parent_officer is not None and parent_officer.id not in allowed:
        errors["parent_voice_officer"] = "Select a QA officer from the list"
    if errors:
        raise Invalid(errors)
    audit.participation_worker = child_worker
    audit.parent_voice_officer = parent_officer
    log(audit, "multi_agency_family_workers_named", by)


def record_voice(audit: MultiAgencyAudit, audit_case: MultiAgencyCase, kind: str,
                 outcome: str | None, contacted_on: date | None, views: str | None,
                 today: date, by: User) -> MultiAgencyVoice:
    """Record (or correct) one family contact for a case, and share it through core."""
    require_status(audit, "open", "consultation")
    if kind not in KINDS or not may_record(audit, kind, by):
        raise Refused("You are not named to record these views for this audit.", "forbidden")
    errors: dict[str, str] = {}
    if outcome not in FAMILY_CONTACT_OUTCOMES:
        errors["outcome"] = "Select what happened"
    if contacted_on is None:
        errors["contacted_on"] = "Enter the date of the contact"
    elif contacted_on > today:
        errors["contacted_on"] = "The date must be today or in the past"
    views = text(views, "views", "what they said", VIEWS_LIMIT, errors,
                 required=outcome == "spoke")
    if errors:
        raise Invalid(errors)
    found = voice_of(audit_case, kind) or MultiAgencyVoice(audit_case_id=audit_case.id,
                                                           kind=kind)
    found.outcome, found.contacted_on, found.views = outcome, contacted_on, views
    found.recorded_by_id, found.recorded_at = by.id, utcnow()
    db.session.add(found)
    db.session.flush()
    share_family_feedback(audit_case.case, activity="multi_agency",
                          reference=f"{audit.reference}-{audit_case.id}-{kind}",
                          with_whom=WITH_WHOM[kind], outcome=outcome,
                          contacted_on=contacted_on, summary=views or "", recorded_by=by)
    record_access("multi_agency_family_views_recorded", audit_case.case, user=by,
                  detail=f"{audit.reference}; {kind}; {outcome}")
    return found
