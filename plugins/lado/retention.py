"""When core's retention destroys a child's case, the LADO referrals about that child lose
everything written or sealed about them; their dates, categories, outcomes and grades stay.

A referral is the platform's QA copy of the LADO's record (SECURITY.md, retention: keep it with
the audit, never touch the LADO's own records). It may name several children: it is cleared with
the last of their cases to be destroyed, so a child still within their period, or on legal hold,
keeps the referral whole. Cleared: the sealed role and employer, the pseudonymous keys of the
adult and employer (they link the adult across referrals), live reveals, each audit's written
answers, ad hoc reason, override reason and learning, and the text of actions raised from those
audits. The plugin stores no files of its own; the case's files are shredded by core.
"""

from __future__ import annotations

import json

from sqlalchemy import delete, select

from core.toolkit import (
    Action,
    Case,
    DestructionRecord,
    ToolNotFound,
    append_access_log,
    db,
    forget_action,
    get_tool,
    utcnow,
)
from plugins.lado.models import (
    SEALED,
    LadoAdultReveal,
    LadoAudit,
    LadoReferral,
    LadoReferralChild,
)

GONE = "Removed at the end of the retention period."


def destroy_referrals(case: Case) -> None:
    """The `qa_on_case_destroyed` hook: in core's transaction, so all of it or none."""
    for referral in _referrals_of(case):
        if all(link.case_id == case.id or link.case.destroyed_at is not None
               for link in referral.children):
            destroy_referral(referral, case)
    db.session.flush()


def is_destroyed(referral: LadoReferral) -> bool:
    """Whether every child of the referral has been destroyed (so the referral was cleared)."""
    return bool(referral.children) and all(link.case.destroyed_at is not None
                                           for link in referral.children)


def _referrals_of(case: Case) -> list[LadoReferral]:
    return list(db.session.scalars(
        select(LadoReferral).join(LadoReferralChild)
        .where(LadoReferralChild.case_id == case.id).order_by(LadoReferral.reference)))


def destroy_referral(referral: LadoReferral, last: Case) -> None:
    """Clear the referral's sealed fields and keys, end its reveals, clear its audits' and
    their actions' text; record the destruction (what went, never what it said)."""
    for name in SEALED:
        setattr(referral, f"{name}_enc", None)
    referral.adult_key = referral.employer_key = None
    db.session.execute(delete(LadoAdultReveal).where(LadoAdultReveal.referral_id == referral.id))
    audits = list(db.session.scalars(select(LadoAudit).where(
        LadoAudit.referral_id == referral.id)))
    for audit in audits:
        _forget_audit(audit)
    actions = _forget_actions([a.reference for a in audits])
    what = (f"adult's role and employer, pseudonymous keys, text of {len(audits)} audit(s) "
            f"and {actions} action(s)")
    db.session.add(DestructionRecord(at=utcnow(), partnership_id=referral.partnership_id,
                                     object_type="lado_referral", object_code=referral.reference,
                                     what=what, run_id=f"with {last.code}"[:32]))
    append_access_log("lado_referral_destroyed", "lado_referral", referral.reference,
                      partnership_id=referral.partnership_id, detail=f"with {last.code}; {what}")


def _forget_audit(audit: LadoAudit) -> None:
    audit.answers = _chosen_answers(audit)
    audit.reason = GONE if audit.reason else None
    audit.override_reason = GONE if audit.override_reason else None
    audit.learning = None


def _chosen_answers(audit: LadoAudit) -> str | None:
    """The answers picked from a list or scale (kept for reports); written ones go. If the
    tool version cannot be found, every answer goes rather than risk keeping text."""
    if not audit.answers:
        return audit.answers
    try:
        tool = get_tool(audit.tool_key, audit.tool_version)
    except ToolNotFound:
        return None
    chosen = {q.code for _, q in tool.questions() if q.type != "text"}
    answers = json.loads(audit.answers)
    return json.dumps({code: value for code, value in answers.items() if code in chosen})


def _forget_actions(references: list[str]) -> int:
    """Actions raised from the audits carry what was written about the allegation."""
    if not references:
        return 0
    actions = list(db.session.scalars(select(Action).where(
        Action.source_activity == "lado", Action.source_ref.in_(references))))
    for action in actions:
        forget_action(action, GONE)
    return len(actions)
