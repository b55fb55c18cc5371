"""Who is told when the audit group changes: the people who must act next.

A conflict of interest leaves a case without an auditor for that agency until the agency's
lead (or the coordinator) names another; a named substitute must declare before auditing; a
reopen request waits on a coordinator. Each is told in the caller's transaction, with case
codes only, so a rolled-back change tells nobody.
"""

from __future__ import annotations

from sqlalchemy import select

from core.toolkit import Agency, Membership, User, can, db, notify, roles_with
from plugins.multi_agency.models import MultiAgencyAudit, MultiAgencyCase
from plugins.multi_agency.permissions import MANAGE, NOMINATE, TRACK


def _holders(permission: str, *where) -> list[User]:
    query = (select(User).join(Membership, Membership.user_id == User.id)
             .where(Membership.role.in_(roles_with(permission)), User.active.is_(True), *where)
             .distinct().order_by(User.id))
    return list(db.session.scalars(query))


def coordinators(audit: MultiAgencyAudit) -> list[User]:
    """Everyone who manages the audit: its partnership's coordinators (not only its author,
    who may have moved on)."""
    found = _holders(MANAGE, Membership.partnership_id == audit.partnership_id)
    if audit.created_by_id is not None:
        found.append(db.session.get(User, audit.created_by_id))
    unique = {u.id: u for u in found}.values()
    return [u for u in unique if u.is_active and can(MANAGE, audit, user=u)]


def sub_committee(audit: MultiAgencyAudit) -> list[User]:
    """The people who review the audit's action plan: the partnership's board members and its
    coordinators."""
    found = _holders(TRACK, Membership.partnership_id == audit.partnership_id)
    return [u for u in found if u.is_active and can(TRACK, audit, user=u)]


def agency_leads(agency: Agency) -> list[User]:
    """The agency's people who may name its auditors."""
    return [u for u in _holders(NOMINATE, Membership.agency_id == agency.id)
            if can(NOMINATE, agency, user=u)]


def _link(audit: MultiAgencyAudit, tail: str = "") -> str:
    return f"/multi-agency/{audit.id}{tail}"


def tell_conflict(audit: MultiAgencyAudit, audit_case: MultiAgencyCase, agency: Agency) -> None:
    """The agency's lead auditor declared a conflict on the case: another auditor is needed."""
    notify([*agency_leads(agency), *coordinators(audit)], "multi_agency.conflict_declared",
           f"{audit.reference}: another auditor needed for case {audit_case.code}",
           f"{agency.name}'s lead auditor declared casework involvement with case "
           f"{audit_case.code}, so cannot audit it. Name another auditor of {agency.name} "
           f"for the case on the audit group page.",
           link=_link(audit, "/group"), partnership_id=audit.partnership_id)


def tell_substitute(audit: MultiAgencyAudit, audit_case: MultiAgencyCase, agency: Agency,
                    auditor: User) -> None:
    notify([auditor], "multi_agency.substitute_named",
           f"{audit.reference}: you are auditing case {audit_case.code}",
           f"You have been named {agency.name}'s auditor for case {audit_case.code} in "
           f"'{audit.title}'. Declare first whether you had any casework involvement with it.",
           link=_link(audit), partnership_id=audit.partnership_id)


def tell_reopen_requested(audit: MultiAgencyAudit, audit_case: MultiAgencyCase,
                          agency: Agency) -> None:
    notify(coordinators(audit), "multi_agency.reopen_requested",
           f"{audit.reference}: a return for case {audit_case.code} needs reopening",
           f"{agency.name} asked to reopen its return for case {audit_case.code}.",
           link=_link(audit, "/progress"), partnership_id=audit.partnership_id)
