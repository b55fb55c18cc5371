"""The audit group: agencies taking part, one lead auditor each, and conflict declarations.

Each agency's lead (or the coordinator) nominates a lead auditor who has no casework
involvement with the selected cases; the auditor declares so case by case. A declared conflict
blocks that auditor on that case (no return, no identity); the agency can name another of its
auditors for that case alone. Auditors cleared for a case hold a core case assignment while
the audit runs, which is what lets them reveal identity (logged by core); it closes with the
audit.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from core.toolkit import (
    Agency,
    Membership,
    User,
    assign_to_case,
    can,
    close_assignment,
    db,
    roles_with,
    utcnow,
)
from plugins.multi_agency import notices
from plugins.multi_agency.models import (
    MultiAgencyAudit,
    MultiAgencyCase,
    MultiAgencyDeclaration,
    MultiAgencyParticipant,
    MultiAgencySubstitute,
)
from plugins.multi_agency.permissions import MANAGE, NOMINATE, RETURN
from plugins.multi_agency.problems import Invalid, Refused
from plugins.multi_agency.programme import log, require_status

ACTIVITY = "multi_agency"
ASSIGNED_WHILE = ("open", "consultation", "reported")


def add_participant(audit: MultiAgencyAudit, agency: Agency | None, by: User) -> None:
    require_status(audit, "planning")
    if agency is None or audit.partnership not in agency.partnerships:
        raise Invalid({"agency": "Select an agency of the partnership"})
    if audit.participant(agency.id) is not None:
        raise Invalid({"agency": f"{agency.name} is already taking part"})
    audit.participants.append(MultiAgencyParticipant(agency_id=agency.id, agency=agency))
    log(audit, "multi_agency_agency_added", by, f"agency {agency.id}")


def remove_participant(audit: MultiAgencyAudit, agency_id: int, by: User) -> None:
    require_status(audit, "planning")
    participant = audit.participant(agency_id)
    if participant is None:
        raise Refused("That agency is not taking part.", "missing")
    audit.participants.remove(participant)
    log(audit, "multi_agency_agency_removed", by, f"agency {agency_id}")


def eligible_auditors(agency_id: int) -> list[User]:
    """Active people of the agency in a role that may complete returns."""
    roles = roles_with(RETURN)
    query = (select(User).join(Membership, Membership.user_id == User.id)
             .where(Membership.agency_id == agency_id, Membership.role.in_(roles),
                    User.active.is_(True))
             .distinct().order_by(User.name))
    return [u for u in db.session.scalars(query) if u.is_active]


def may_nominate(audit: MultiAgencyAudit, agency: Agency, user: Any) -> bool:
    """The coordinator, or a lead of that agency."""
    return can(MANAGE, audit, user=user) or can(NOMINATE, agency, user=user)


def nominate(audit: MultiAgencyAudit, agency_id: int, auditor: User | None, by: User) -> None:
    """Make `auditor` the agency's lead auditor (replacing any earlier one)."""
    require_status(audit, "planning", "open")
    participant = audit.participant(agency_id)
    if participant is None or not may_nominate(audit, participant.agency, by):
        raise Refused("You cannot nominate a lead auditor for that agency.", "missing")
    if auditor is None or auditor.id not in {u.id for u in eligible_auditors(agency_id)}:
        raise Invalid({"auditor": f"Select an auditor who works for {participant.agency.name}"})
    previous = participant.lead_auditor
    participant.lead_auditor, participant.nominated_by_id = auditor, by.id
    participant.nominated_at = utcnow()
    if previous is not None and previous.id != auditor.id:
        _close_for(audit, previous, by)
    sync_assignments(audit, by)
    log(audit, "multi_agency_auditor_nominated", by, f"agency {agency_id}; user {auditor.id}")


# --- Who audits which case ----------------------------------------------------------------------


def substitute_of(audit_case: MultiAgencyCase, agency_id: int) -> MultiAgencySubstitute | None:
    return db.session.scalar(select(MultiAgencySubstitute).where(
        MultiAgencySubstitute.audit_case_id == audit_case.id,
        MultiAgencySubstitute.agency_id == agency_id))


def auditor_for(audit_case: MultiAgencyCase, agency_id: int) -> User | None:
    """The agency's auditor for this case: a named substitute, else the lead auditor."""
    substitute = substitute_of(audit_case, agency_id)
    if substitute is not None:
        return substitute.user
    participant = audit_case.audit.participant(agency_id)
    return participant.lead_auditor if participant else None


def declaration_of(audit_case: MultiAgencyCase, user: Any) -> MultiAgencyDeclaration | None:
    if getattr(user, "id", None) is None:
        return None
    return db.session.scalar(select(MultiAgencyDeclaration).where(
        MultiAgencyDeclaration.audit_case_id == audit_case.id,
        MultiAgencyDeclaration.user_id == user.id))


def blocked_reason(audit_case: MultiAgencyCase, agency_id: int, user: Any) -> str | None:
    """Why `user` may not complete the agency's return on this case now, or None if they may."""
    auditor = auditor_for(audit_case, agency_id)
    if auditor is None or auditor.id != getattr(user, "id", None):
        return "You are not this agency's auditor for this case."
    declaration = declaration_of(audit_case, user)
    if declaration is None:
        return "Declare first whether you had any casework involvement with this case."
    if declaration.conflict:
        return "You declared a conflict of interest on this case, so you cannot audit it."
    return None


def _is_lead(audit: MultiAgencyAudit, agency_id: int, user: Any) -> bool:
    participant = audit.participant(agency_id)
    return participant is not None and participant.lead_auditor_id == user.id


def cases_of_auditor(audit: MultiAgencyAudit, user: Any) -> list[tuple[MultiAgencyCase, int]]:
    """The (case, agency id) pairs `user` is the auditor for in this audit."""
    return [(c, p.agency_id) for c in audit.cases for p in audit.participants
            if (a := auditor_for(c, p.agency_id)) is not None and a.id == user.id]


def declare(audit: MultiAgencyAudit, audit_case: MultiAgencyCase, user: User,
            conflict: bool | None) -> MultiAgencyDeclaration:
    """Record the auditor's declaration on one case. A conflict cannot be withdrawn."""
    require_status(audit, "planning", "open")
    pairs = [p.agency_id for p in audit.participants
             if (a := auditor_for(audit_case, p.agency_id)) is not None and a.id == user.id]
    if not pairs:
        raise Refused("You are not an auditor for this case.", "forbidden")
    if conflict is None:
        raise Invalid({f"case-{audit_case.id}": f"Say whether you had any involvement with "
                                               f"case {audit_case.code}"})
    found = declaration_of(audit_case, user)
    if found is not None and found.conflict and not conflict:
        raise Refused("A declared conflict cannot be withdrawn; ask the coordinator.")
    newly_conflicted = bool(conflict) and (found is None or not found.conflict)
    if found is None:
        found = MultiAgencyDeclaration(audit_case_id=audit_case.id, user_id=user.id,
                                       agency_id=pairs[0])
        db.session.add(found)
    found.conflict, found.declared_at = bool(conflict), utcnow()
    db.session.flush()
    if conflict:
        close_assignment(user, audit_case.case, ACTIVITY, audit.reference, by=user)
    if newly_conflicted and _is_lead(audit, pairs[0], user):
        notices.tell_conflict(audit, audit_case, audit.participant(pairs[0]).agency)
    sync_assignments(audit, user, only=audit_case)
    log(audit, "multi_agency_declared", user,
        f"case {audit_case.code}; {'conflict' if conflict else 'no involvement'}")
    return found


def name_substitute(audit: MultiAgencyAudit, audit_case: MultiAgencyCase, agency_id: int,
                    auditor: User | None, by: User) -> None:
    """Name another auditor of the agency for a case its lead auditor is conflicted on."""
    require_status(audit, "planning", "open")
    participant = audit.participant(agency_id)
    if participant is None or not may_nominate(audit, participant.agency, by):
        raise Refused("You cannot name an auditor for that agency.", "missing")
    lead = participant.lead_auditor
    lead_declaration = declaration_of(audit_case, lead) if lead else None
    if lead_declaration is None or not lead_declaration.conflict:
        raise Refused("Another auditor is needed only where the lead auditor declared a "
                      "conflict on the case.")
    if auditor is None or auditor.id == lead.id or \
            auditor.id not in {u.id for u in eligible_auditors(agency_id)}:
        raise Invalid({"auditor": f"Select another auditor who works for "
                                  f"{participant.agency.name}"})
    substitute = substitute_of(audit_case, agency_id)
    if substitute is None:
        substitute = MultiAgencySubstitute(audit_case_id=audit_case.id, agency_id=agency_id)
        db.session.add(substitute)
    elif substitute.user_id != auditor.id:
        close_assignment(substitute.user, audit_case.case, ACTIVITY, audit.reference, by=by)
    newly_named = substitute.named_at is None or substitute.user_id != auditor.id
    substitute.user_id, substitute.user = auditor.id, auditor
    substitute.named_by_id, substitute.named_at = by.id, utcnow()
    db.session.flush()
    if newly_named:
        notices.tell_substitute(audit, audit_case, participant.agency, auditor)
    sync_assignments(audit, by, only=audit_case)
    log(audit, "multi_agency_substitute_named", by,
        f"case {audit_case.code}; agency {agency_id}; user {auditor.id}")


# --- Core case assignments ----------------------------------------------------------------------


def sync_assignments(audit: MultiAgencyAudit, by: Any,
                     only: MultiAgencyCase | None = None) -> None:
    """Open an assignment for every cleared auditor while the audit runs (idempotent); `only`
    one case, when only that case's declarations or auditors changed."""
    if audit.status not in ASSIGNED_WHILE:
        return
    for audit_case in [only] if only is not None else audit.cases:
        for participant in audit.participants:
            auditor = auditor_for(audit_case, participant.agency_id)
            declaration = declaration_of(audit_case, auditor) if auditor else None
            if declaration is not None and not declaration.conflict:
                assign_to_case(auditor, audit_case.case, ACTIVITY, audit.reference, by=by)


def _close_for(audit: MultiAgencyAudit, user: User, by: Any) -> None:
    for audit_case in audit.cases:
        close_assignment(user, audit_case.case, ACTIVITY, audit.reference, by=by)


def close_all_assignments(audit: MultiAgencyAudit, by: Any) -> None:
    """Everyone who declared on the audit's cases loses the assignment (and so the reveal)."""
    ids = {d.user_id for d in db.session.scalars(select(MultiAgencyDeclaration).join(
        MultiAgencyCase).where(MultiAgencyCase.audit_id == audit.id))}
    for user in db.session.scalars(select(User).where(User.id.in_(ids))):
        _close_for(audit, user, by)
