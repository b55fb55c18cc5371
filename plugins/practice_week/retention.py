"""When core's retention destroys a case, practice-week case audits of it lose their text.

The overall and domain grades, the family's answer (with whom, outcome, date) and the dates stay
for the week's summary and trend reports; what the audit found and what the family said go, in
the transaction that destroys the case. The family's view shared with other activities is
cleared by each of them. Observations name no case (they are about a practitioner), and the
development file's documents are about the practitioner too: neither is touched here.
"""

from __future__ import annotations

from sqlalchemy import select

from core.toolkit import Case, db
from plugins.practice_week.models import WeekAudit


def forget_case(case: Case) -> int:
    """The `qa_on_case_destroyed` hook: clear the week audits' text; returns how many."""
    audits = list(db.session.scalars(select(WeekAudit).where(WeekAudit.case_id == case.id)))
    for audit in audits:
        audit.findings = audit.family_summary = None
    db.session.flush()
    return len(audits)
