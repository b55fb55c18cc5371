"""Withheld-information records outside the case page: for activities that record, inside
their own forms or API, that an agency withheld something from an audit and on what basis.

Only the fact, the basis and who decided are kept; never the information itself (Caldicott;
Hillingdon App. E, 6). Nothing here commits.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from core.accesslog.chain import append
from core.cases.forms import WITHHELD_BASES
from core.cases.models import Case, WithheldInformation
from core.extensions import db
from core.identity.models import Agency
from core.timeutil import utcnow

DECIDED_BY_MAX, CONTEXT_MAX = 200, 100


def withheld_errors(basis: str | None, decided_by: str | None) -> dict[str, str]:
    """A message per bad field (`basis`, `decided_by`); empty when both will do."""
    errors: dict[str, str] = {}
    if basis not in WITHHELD_BASES:
        errors["basis"] = "Select why the information was withheld"
    decided = (decided_by or "").strip()
    if not decided:
        errors["decided_by"] = "Enter the role or title of the person who decided"
    elif len(decided) > DECIDED_BY_MAX:
        errors["decided_by"] = f"Who decided must be {DECIDED_BY_MAX} characters or fewer"
    return errors


def record_withheld(case: Case, agency: Agency, basis: str, decided_by: str, context: str,
                    by: Any) -> WithheldInformation:
    """Record that `agency` withheld information from the activity `context` (its code).

    Raises ValueError when `withheld_errors` finds a problem or the context is too long.
    Logs `withheld_recorded` (basis and agency only).
    """
    errors = withheld_errors(basis, decided_by)
    if errors or not context or len(context) > CONTEXT_MAX:
        raise ValueError("; ".join(f"{k}: {v}" for k, v in errors.items()) or "context")
    record = WithheldInformation(case_id=case.id, agency_id=agency.id, basis=basis,
                                 decided_by=decided_by.strip(), context=context,
                                 recorded_by_id=by.id, recorded_at=utcnow())
    db.session.add(record)
    append("withheld_recorded", "case", case.code, user=by, partnership_id=case.partnership_id,
           detail=f"agency {agency.id}; basis: {basis}")
    db.session.flush()
    return record


def withheld_records(case: Case, agency_id: int | None = None,
                     context: str | None = None) -> list[WithheldInformation]:
    """A case's withheld-information records, oldest first, for one agency or context."""
    query = select(WithheldInformation).where(WithheldInformation.case_id == case.id)
    if agency_id is not None:
        query = query.where(WithheldInformation.agency_id == agency_id)
    if context is not None:
        query = query.where(WithheldInformation.context == context)
    return list(db.session.scalars(query.order_by(WithheldInformation.recorded_at,
                                                  WithheldInformation.id)))
