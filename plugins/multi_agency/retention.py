"""When core's retention destroys a case, its narrative in multi-agency audits goes too; when
the last case of a closed audit goes, the rest of the audit pack follows.

Grades, outcomes and dates stay (they feed baseline comparisons and trend reports); every
piece of free text about the case is cleared: evidence, what worked and did not, written
answers, the family's words, the meeting's summary and dissent, and reopen reasons.

The audit pack (3 years after the audit closes, DOMAIN.md) is the report's and each agency's
outcomes, learning and recommendations, the cross-agency themes, the sub-committee's evidence of
impact and the briefing material (files shredded). It goes with the audit's last case because
core's retention already times that from closure per partnership, and holds back any case on
legal hold or still used by a later audit: the pack waits for the last of them.
"""

from __future__ import annotations

from sqlalchemy import select

from core.toolkit import Case, DestructionRecord, db, remove_document, utcnow
from plugins.multi_agency.models import (
    MultiAgencyAgencyReport,
    MultiAgencyAudit,
    MultiAgencyCase,
    MultiAgencyFinding,
    MultiAgencyReport,
    MultiAgencyReturn,
    MultiAgencyReview,
    MultiAgencyTheme,
    MultiAgencyVoice,
)
from plugins.multi_agency.programme import log
from plugins.multi_agency.toolset import tools_of

CLEARED = {
    MultiAgencyReturn: ("evidence", "what_worked", "what_did_not", "reopen_reason"),
    MultiAgencyVoice: ("views",),
    MultiAgencyFinding: ("summary", "dissent"),
}


def _written_answers(ret: MultiAgencyReturn) -> dict:
    written = {q.code for _, q in tools_of(ret).questions() if q.type == "text"}
    return {code: value for code, value in ret.answers.items() if code not in written}


REPORT_TEXT = ("key_outcomes", "learning", "recommendations")
DESTROYED = "destroyed"


def destroy_narrative(case: Case) -> None:
    """The `qa_on_case_destroyed` hook: in core's transaction, so all of it or none."""
    _clear_case_text(case)
    for audit in _closed_audits_of(case):
        if all(c.case_id == case.id or c.case.destroyed_at is not None for c in audit.cases):
            destroy_pack(audit, case)
    db.session.flush()


def _closed_audits_of(case: Case) -> list[MultiAgencyAudit]:
    return list(db.session.scalars(
        select(MultiAgencyAudit).join(MultiAgencyCase)
        .where(MultiAgencyCase.case_id == case.id, MultiAgencyAudit.status == "closed")))


def destroy_pack(audit: MultiAgencyAudit, last: Case) -> None:
    """Clear the audit-level text and shred the briefing files (their bytes are deleted by
    core's retention sweep once the transaction commits); the audit row, dates and grades
    stay, marked destroyed, with a destruction record."""
    for model in (MultiAgencyReport, MultiAgencyAgencyReport):
        for row in db.session.scalars(select(model).where(model.audit_id == audit.id)):
            for name in REPORT_TEXT:
                setattr(row, name, None)
    for theme in db.session.scalars(select(MultiAgencyTheme)
                                    .where(MultiAgencyTheme.audit_id == audit.id)):
        db.session.delete(theme)
    for review in db.session.scalars(select(MultiAgencyReview)
                                      .where(MultiAgencyReview.audit_id == audit.id)):
        review.impact = ""
    files = 0
    for briefing in list(audit.briefings):
        if briefing.document is not None:
            remove_document(briefing.document, None)
            files += 1
        audit.briefings.remove(briefing)
    audit.status = DESTROYED
    what = f"audit pack: report text, themes, evidence of impact, {files} briefing file(s)"
    db.session.add(DestructionRecord(at=utcnow(), partnership_id=audit.partnership_id,
                                     object_type="multi_agency_audit",
                                     object_code=audit.reference, what=what,
                                     run_id=f"with {last.code}"[:32]))
    log(audit, "multi_agency_pack_destroyed", None, what)


def _clear_case_text(case: Case) -> None:
    ids = select(MultiAgencyCase.id).where(MultiAgencyCase.case_id == case.id)
    for model, fields in CLEARED.items():
        for row in db.session.scalars(select(model).where(model.audit_case_id.in_(ids))):
            for name in fields:
                setattr(row, name, None)
            if isinstance(row, MultiAgencyReturn):
                row.answers = _written_answers(row)
