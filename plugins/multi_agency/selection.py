"""Selecting the coded cases an audit looks at (the coordinator codes them in core first).

Agencies only ever see the codes. Selecting a case whose retention clock had started (closed)
reopens it, because it is being audited again; closing the audit closes it once more.
"""

from __future__ import annotations

from sqlalchemy import delete, select

from core.toolkit import Case, User, db, record_access
from plugins.multi_agency.models import (
    MultiAgencyAudit,
    MultiAgencyCase,
    MultiAgencyDeclaration,
    MultiAgencySubstitute,
)
from plugins.multi_agency.problems import Invalid, Refused
from plugins.multi_agency.programme import log, require_status

MAX_CANDIDATES = 200


def find_case(audit: MultiAgencyAudit, code: str | None) -> Case | None:
    """The partnership's case with this code (codes are typed, so spacing and case vary)."""
    cleaned = "".join((code or "").split()).upper()
    if not cleaned:
        return None
    return db.session.scalar(select(Case).where(Case.code == cleaned,
                                                Case.partnership_id == audit.partnership_id))


def audit_case(audit: MultiAgencyAudit, code: str) -> MultiAgencyCase | None:
    return next((c for c in audit.cases if c.code == code), None)


def select_case(audit: MultiAgencyAudit, code: str | None, by: User) -> MultiAgencyCase:
    require_status(audit, "planning")
    case = find_case(audit, code)
    if case is None or case.destroyed_at is not None:
        raise Invalid({"code": "Enter the code of a case coded in this partnership"})
    if audit_case(audit, case.code) is not None:
        raise Invalid({"code": f"Case {case.code} is already selected"})
    if len(audit.cases) >= audit.cases_max:
        raise Invalid({"code": f"The audit already has {audit.cases_max} cases, the most "
                               "planned"})
    if case.closed_at is not None:
        case.closed_at = None
        record_access("case_reopened", case, user=by, detail=f"multi_agency {audit.reference}")
    selected = MultiAgencyCase(case_id=case.id, case=case, selected_by_id=by.id)
    audit.cases.append(selected)
    db.session.flush()
    record_access("multi_agency_case_selected", case, user=by, detail=audit.reference)
    return selected


def remove_case(audit: MultiAgencyAudit, audit_case_id: int, by: User) -> None:
    require_status(audit, "planning")
    selected = next((c for c in audit.cases if c.id == audit_case_id), None)
    if selected is None:
        raise Refused("That case is not in the audit.", "missing")
    for model in (MultiAgencyDeclaration, MultiAgencySubstitute):
        db.session.execute(delete(model).where(model.audit_case_id == selected.id))
    audit.cases.remove(selected)
    record_access("multi_agency_case_removed", selected.case, user=by, detail=audit.reference)
    log(audit, "multi_agency_case_removed", by, f"case {selected.case.code}")


def candidates(audit: MultiAgencyAudit) -> list[Case]:
    """Coded cases of the partnership not yet in the audit, by code (for the coordinator)."""
    chosen = [c.case_id for c in audit.cases]
    query = (select(Case).where(Case.partnership_id == audit.partnership_id,
                                Case.destroyed_at.is_(None), Case.id.not_in(chosen))
             .order_by(Case.code).limit(MAX_CANDIDATES))
    return list(db.session.scalars(query))
