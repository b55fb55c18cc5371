"""Who sees what: the one place the pages and the API ask.

- Audits: the partnership's coordinator, and people of the agencies taking part (scoped SQL).
- Returns: before the consultation meeting an agency sees only its own; afterwards everyone
  in the audit sees every agency's return. The coordinator always sees them all. Someone who
  declared a conflict of interest on a case reads no return on it before the meeting: their
  view must not shape the substitute's.
- Identity: never here. Only core's reveal (coordinator, or an auditor's open assignment).
"""

from __future__ import annotations

from typing import Any

from flask import abort
from sqlalchemy import Select, select

from core.toolkit import can, current_user, db, require, scoped
from plugins.multi_agency.models import MultiAgencyAudit, MultiAgencyCase, MultiAgencyDeclaration
from plugins.multi_agency.permissions import MANAGE, RETURN, VIEW


def visible_audits(user: Any = None) -> Select:
    return scoped(MultiAgencyAudit, VIEW, user).order_by(MultiAgencyAudit.created_at.desc(),
                                                         MultiAgencyAudit.id.desc())


def find_audit(audit_id: int, permission: str = VIEW) -> MultiAgencyAudit:
    """The audit, if the current person holds `permission` over it; otherwise 404."""
    audit = db.session.get(MultiAgencyAudit, audit_id)
    if audit is None:
        abort(404)
    require(permission, audit)
    return audit


def own_agency_ids(user: Any) -> set[int]:
    return {m.agency_id for m in getattr(user, "memberships", []) if m.agency_id}


def manages(audit: MultiAgencyAudit, user: Any = None) -> bool:
    return can(MANAGE, audit, user=current_user if user is None else user)


def may_see_return(audit: MultiAgencyAudit, agency_id: int, user: Any = None) -> bool:
    """Own agency's return always; other agencies' only after the consultation meeting."""
    user = current_user if user is None else user
    if manages(audit, user):
        return True
    in_audit = can(VIEW, audit, user=user) or can(RETURN, audit, user=user)
    if not in_audit:
        return False
    return agency_id in own_agency_ids(user) or audit.consultation_held


CONFLICTED = ("You declared a conflict of interest on this case, so you cannot audit it or read "
              "its returns before the consultation meeting.")


def conflicted(audit_case: MultiAgencyCase, user: Any) -> bool:
    """Whether `user` declared casework involvement with this case."""
    if getattr(user, "id", None) is None:
        return False
    return bool(db.session.scalar(select(MultiAgencyDeclaration.conflict).where(
        MultiAgencyDeclaration.audit_case_id == audit_case.id,
        MultiAgencyDeclaration.user_id == user.id)))


def may_read_case_return(audit: MultiAgencyAudit, audit_case: MultiAgencyCase, agency_id: int,
                         user: Any = None) -> bool:
    """`may_see_return` for one case: a conflicted auditor reads none of it before the meeting."""
    user = current_user if user is None else user
    if not may_see_return(audit, agency_id, user):
        return False
    if audit.consultation_held or manages(audit, user):
        return True
    return not conflicted(audit_case, user)


def visible_agency_ids(audit: MultiAgencyAudit, user: Any = None) -> list[int]:
    """The taking-part agencies whose returns `user` may read, in the audit's order."""
    return [p.agency_id for p in audit.participants
            if may_see_return(audit, p.agency_id, user)]
