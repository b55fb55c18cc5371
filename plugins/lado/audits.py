"""The audit cycle: annual audits of a stratified sample, ad hoc audits, allocation, grading.

Auditors are independent of the case: never the LADO who handled it, the person who recorded
it, that LADO's line manager, or someone from the referring agency. Allocation shares the
sample among the chosen auditors, fewest first; if a referral has no independent auditor among
them nothing is allocated and the page says which. Allocated auditors are assigned to the
children's coded cases for the life of the audit (core's case assignments), and are told.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import select

from core.toolkit import (
    NOT_APPLICABLE,
    Grade,
    GradingError,
    Membership,
    Partnership,
    Tool,
    User,
    assign_to_case,
    close_assignment,
    db,
    get_tool,
    notify,
    record_grading,
    roles_with,
    utcnow,
)
from plugins.lado import sampling
from plugins.lado.access import AUDIT, log
from plugins.lado.models import LadoAudit, LadoAuditCycle, LadoReferral
from plugins.lado.referrals import ALPHABET

TOOL_KEY = "lado.referral_audit"
SUBJECT = "lado.audit"
ACTIVITY = "lado"
ANSWERS = {"yes_no_partly": ("yes", "no", "partly")}


class AuditInvalid(ValueError):
    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("Audit is not valid: " + ", ".join(sorted(self.errors)))


def _reference(prefix: str, kind: str, model: type) -> str:
    for _ in range(20):
        ref = f"{prefix}-{kind}-" + "".join(secrets.choice(ALPHABET) for _ in range(6))
        if db.session.scalar(select(model.id).where(model.reference == ref)) is None:
            return ref
    raise RuntimeError("No free reference after 20 tries.")


# --- Who may audit --------------------------------------------------------------------------


def eligible_auditors(partnership: Partnership) -> list[User]:
    """People holding `lado.audit` in an agency of the partnership or across it."""
    agencies = {a.id for a in partnership.agencies}
    rows = db.session.scalars(select(Membership).where(Membership.role.in_(roles_with(AUDIT))))
    ids = {m.user_id for m in rows
           if m.agency_id in agencies or m.partnership_id == partnership.id}
    people = [db.session.get(User, i) for i in ids]
    return sorted((p for p in people if p.active), key=lambda u: (u.name, u.id))


def conflict(user: User, referral: LadoReferral) -> str | None:
    """Why `user` is not independent of the referral, or None."""
    if user.id == referral.lado_id:
        return "handled the referral as LADO"
    if user.id == referral.created_by_id:
        return "recorded the referral"
    if referral.lado_id and db.session.scalar(select(Membership.id).where(
            Membership.user_id == referral.lado_id,
            Membership.line_manager_id == user.id).limit(1)):
        return "is the line manager of the LADO who handled it"
    if referral.referrer_agency_id and any(
            m.agency_id == referral.referrer_agency_id for m in user.memberships):
        return "works for the referring agency"
    return None


# --- Allocation -----------------------------------------------------------------------------


def _allocate(referrals: list[LadoReferral], auditors: list[User]) -> dict[str, User]:
    load = {u.id: 0 for u in auditors}
    chosen: dict[str, User] = {}
    for referral in referrals:
        free = [u for u in auditors if conflict(u, referral) is None]
        if not free:
            raise AuditInvalid({"auditors": f"None of the chosen auditors is independent of "
                                            f"referral {referral.reference}: choose another"})
        pick = min(free, key=lambda u: (load[u.id], u.name, u.id))
        load[pick.id] += 1
        chosen[referral.id] = pick
    return chosen


def _open_audit(referral: LadoReferral, auditor: User, kind: str, by: User,
                cycle: LadoAuditCycle | None = None, reason: str | None = None) -> LadoAudit:
    tool = get_tool(TOOL_KEY)
    audit = LadoAudit(reference=_reference(referral.partnership.code_prefix, "LA", LadoAudit),
                  partnership_id=referral.partnership_id, referral=referral, cycle=cycle,
                  kind=kind, reason=reason, auditor_id=auditor.id, tool_key=tool.key,
                  tool_version=tool.version, allocated_by_id=by.id, allocated_at=utcnow())
    db.session.add(audit)
    db.session.flush()
    for link in referral.children:
        assign_to_case(auditor, link.case, ACTIVITY, audit.reference, by=by)
    log(referral, "lado_audit_allocated", f"audit {audit.reference}; auditor {auditor.id}",
        user=by)
    return audit


def _tell_auditors(audits: list[LadoAudit]) -> None:
    by_auditor: dict[int, list[LadoAudit]] = {}
    for audit in audits:
        by_auditor.setdefault(audit.auditor_id, []).append(audit)
    for auditor_id, theirs in by_auditor.items():
        refs = ", ".join(a.reference for a in theirs)
        notify([db.session.get(User, auditor_id)], "lado.audit_allocated",
               f"LADO audits allocated to you: {len(theirs)}",
               f"You have been allocated LADO audits {refs}. Open them from LADO audits.",
               link="/lado/audits/", partnership_id=theirs[0].partnership_id)


def _population(partnership: Partnership, start: date, end: date) -> list[LadoReferral]:
    return list(db.session.scalars(select(LadoReferral).where(
        LadoReferral.partnership_id == partnership.id, LadoReferral.referral_date >= start,
        LadoReferral.referral_date <= end).order_by(LadoReferral.reference)))


def start_cycle(partnership: Partnership, title: str, start: date, end: date, mode: str,
                value: int, auditor_ids: list[int], by: User) -> LadoAuditCycle:
    """Draw the stratified sample and allocate it, or raise AuditInvalid with nothing saved."""
    errors = cycle_errors(partnership, title, start, end, auditor_ids)
    people = [u for u in eligible_auditors(partnership) if u.id in set(auditor_ids)]
    referrals = _population(partnership, start, end) if not errors else []
    if not errors and not referrals:
        errors["period_start"] = "No referrals were received in that period"
    if errors:
        raise AuditInvalid(errors)
    seed = secrets.randbits(32)
    strata: dict[str, list[str]] = {}
    for r in referrals:
        strata.setdefault(r.sector, []).append(r.id)
    drawn = {i for ids in sampling.draw(strata, mode, value, seed).values() for i in ids}
    sample = sorted((r for r in referrals if r.id in drawn), key=lambda r: (r.sector, r.reference))
    chosen = _allocate(sample, people)
    cycle = LadoAuditCycle(reference=_reference(partnership.code_prefix, "LC", LadoAuditCycle),
                       partnership_id=partnership.id, title=title, period_start=start,
                       period_end=end, sample_mode=mode, sample_value=value,
                       population=len(referrals), created_by_id=by.id, created_at=utcnow())
    db.session.add(cycle)
    db.session.flush()
    audits = [_open_audit(r, chosen[r.id], "annual", by, cycle=cycle) for r in sample]
    _tell_auditors(audits)
    return cycle


def cycle_errors(partnership: Partnership, title: str, start: date | None, end: date | None,
                  auditor_ids: list[int]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = "Enter a title, like LADO annual audit 2026"
    elif db.session.scalar(select(LadoAuditCycle.id).where(
            LadoAuditCycle.partnership_id == partnership.id,
            LadoAuditCycle.title == title.strip())):
        errors["title"] = "An audit with this title already exists"
    if start is None:
        errors["period_start"] = "Enter the first day of the period, like 1/4/2025"
    if end is None:
        errors["period_end"] = "Enter the last day of the period, like 31/3/2026"
    elif start is not None and end < start:
        errors["period_end"] = "The last day must be on or after the first day"
    eligible = {u.id for u in eligible_auditors(partnership)}
    if not auditor_ids:
        errors["auditors"] = "Choose at least one auditor"
    elif not set(auditor_ids) <= eligible:
        errors["auditors"] = "Choose auditors from the list"
    return errors


def start_ad_hoc(referral: LadoReferral, auditor_id: int | None, reason: str,
                 by: User) -> LadoAudit:
    """One audit of one referral, for a stated reason, by an independent auditor."""
    errors: dict[str, str] = {}
    auditor = next((u for u in eligible_auditors(referral.partnership) if u.id == auditor_id),
                   None)
    if auditor is None:
        errors["auditor"] = "Choose an auditor from the list"
    elif (why := conflict(auditor, referral)) is not None:
        errors["auditor"] = f"This auditor is not independent of the referral: {why}"
    if not 10 <= len(reason.strip()) <= 300:
        errors["reason"] = "Say why this referral is audited now (10 to 300 characters)"
    if errors:
        raise AuditInvalid(errors)
    audit = _open_audit(referral, auditor, "ad_hoc", by, reason=reason.strip())
    _tell_auditors([audit])
    return audit


# --- Grading ----------------------------------------------------------------------------------


def tool_of(audit: LadoAudit) -> Tool:
    return get_tool(audit.tool_key, audit.tool_version)


def _answer(question: Any, raw: str, errors: dict[str, str]) -> str | None:
    name = f"q_{question.code}"
    text = (raw or "").strip()
    if not text:
        if question.required and question.type != "text":
            errors[name] = f"Answer: {question.text}"
        return None
    if question.type == "grade" and text not in {g.value for g in Grade}:
        errors[name] = "Choose a grade"
    elif question.type == "score_0_10" and not (text.isdigit() and 0 <= int(text) <= 10):
        errors[name] = "Enter a whole number from 0 to 10"
    elif question.type == "yes_no_partly" and text not in ANSWERS["yes_no_partly"]:
        errors[name] = "Choose yes, no or partly"
    elif question.type == "choice" and text not in question.choices:
        errors[name] = "Choose an answer from the list"
    elif len(text) > 4000:
        errors[name] = "The answer must be 4,000 characters or fewer"
    return text


def grade(audit: LadoAudit, form: Mapping[str, str], by: User) -> Any:
    """Check and record a finished audit: answers, domain grades, overall grade (limiting
    judgement applied, override with a reason). Raises AuditInvalid per field."""
    if not audit.is_open:
        raise AuditInvalid({"audit": "This audit is already finished"})
    tool = tool_of(audit)
    errors: dict[str, str] = {}
    answers = {q.code: _answer(q, form.get(f"q_{q.code}", ""), errors)
               for _, q in tool.questions()}
    domains = {d.code: (form.get(f"d_{d.code}") or "").strip() for d in tool.domains}
    for d in tool.domains:
        allowed = {g.value for g in Grade} | ({NOT_APPLICABLE} if d.allow_not_applicable else set())
        if domains[d.code] not in allowed:
            errors[f"d_{d.code}"] = f"Grade {d.title.lower()}"
    result = None if errors else _overall(tool, domains, form, errors)
    learning = (form.get("learning") or "").strip()
    if len(learning) > 4000:
        errors["learning"] = "Learning must be 4,000 characters or fewer"
    if errors:
        raise AuditInvalid(errors)
    _finish(audit, answers, domains, result, learning, by)
    return result


def _overall(tool: Tool, domains: dict[str, str], form: Mapping[str, str],
             errors: dict[str, str]) -> Any:
    override = (form.get("override") or "").strip() or None
    try:
        return tool.grade_overall(domains, chosen=(form.get("overall") or "").strip() or None,
                                  override=override,
                                  override_reason=form.get("override_reason"))
    except GradingError as exc:
        field = {"chosen": "overall"}.get(exc.field, exc.field)
        errors[field if field in ("overall", "override", "override_reason") else "overall"] = \
            exc.message[0].upper() + exc.message[1:]
        return None


def _finish(audit: LadoAudit, answers: dict, domains: dict, result: Any, learning: str,
            by: User) -> None:
    record_grading(SUBJECT, audit.id, "file_review", domains, result, recorded_by=by)
    audit.answers = json.dumps(answers)
    audit.domain_grades = json.dumps(domains)
    audit.overall_grade = result.grade.value if result.grade else NOT_APPLICABLE
    audit.limited = result.limited
    audit.override_reason = result.reason if result.overridden else None
    audit.learning = learning or None
    audit.status, audit.completed_at = "completed", utcnow()
    for link in audit.referral.children:
        close_assignment(audit.auditor, link.case, ACTIVITY, audit.reference, by=by)
    log(audit.referral, "lado_audit_completed", f"audit {audit.reference}", user=by)
    allocator = db.session.get(User, audit.allocated_by_id) if audit.allocated_by_id else None
    if allocator is not None:
        notify([allocator], "lado.audit_completed", f"LADO audit {audit.reference} completed",
               f"LADO audit {audit.reference} has been completed and graded.",
               link=f"/lado/audits/{audit.reference}", partnership_id=audit.partnership_id)


def answers_of(audit: LadoAudit) -> dict[str, Any]:
    return json.loads(audit.answers) if audit.answers else {}


def domain_grades_of(audit: LadoAudit) -> dict[str, str]:
    return json.loads(audit.domain_grades) if audit.domain_grades else {}
