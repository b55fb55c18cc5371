"""Case audits during a practice week (Havering, "practice week audits"): a leader or the QA
team audits a coded case of the council with a tool of their choosing and records the
family's view, which is shared with the other activities through core. Nothing here commits.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from core.toolkit import (
    FAMILY_CONTACT_OUTCOMES,
    FAMILY_CONTACT_WITH,
    Case,
    GradingError,
    Tool,
    ToolNotFound,
    User,
    db,
    get_tool,
    published_tools,
    share_family_feedback,
)
from plugins.practice_week import clock, forms
from plugins.practice_week.forms import Invalid
from plugins.practice_week.models import PracticeWeek, WeekAudit
from plugins.practice_week.vocab import GRADE_LABELS

ACTIVITY = "practice_week"


def audit_tools() -> dict[str, str]:
    """Any published audit tool except the observation templates."""
    return {key: title for key, title in published_tools()
            if not key.startswith("practice_week.observation")}


def chosen_tool(key: str | None) -> Tool | None:
    if not key or key not in audit_tools():
        return None
    try:
        return get_tool(key)
    except ToolNotFound:
        return None


def _case(week: PracticeWeek, code: str, errors: dict[str, str]) -> Case | None:
    case = db.session.scalar(select(Case).where(
        Case.code == code.strip().upper(), Case.agency_id == week.agency_id,
        Case.destroyed_at.is_(None))) if code.strip() else None
    if case is None:
        errors["case_code"] = "Enter the code of one of the council's cases"
    return case


def _grades(tool: Tool, form: Mapping[str, Any], errors: dict[str, str]) -> tuple[dict, str]:
    grades = {}
    for domain in tool.domains:
        value = form.get(f"domain_{domain.code}") or ""
        if value not in GRADE_LABELS:
            errors[f"domain_{domain.code}"] = f"Select a grade for {domain.title}"
        grades[domain.code] = value
    overall = form.get("overall") or ""
    if overall not in GRADE_LABELS:
        errors["overall"] = "Select the overall grade"
    if errors:
        return grades, overall
    try:
        result = tool.grade_overall(grades, chosen=overall)
    except GradingError as exc:
        errors["overall"] = exc.message
        return grades, overall
    return grades, result.grade.value if result.grade else overall


def record_audit(week: PracticeWeek, tool: Tool, form: Mapping[str, Any], by: User) -> WeekAudit:
    errors: dict[str, str] = {}
    case = _case(week, form.get("case_code") or "", errors)
    grades, overall = _grades(tool, form, errors)
    findings = forms.text(form, "findings", "what the audit found", errors)
    with_whom = forms.choice(form, "family_with", FAMILY_CONTACT_WITH,
                             "Select who in the family was asked", errors)
    outcome = forms.choice(form, "family_outcome", FAMILY_CONTACT_OUTCOMES,
                           "Select what happened when the family was asked", errors)
    asked_on = forms.day(form, "family_on", "the date the family was asked", errors)
    summary = forms.text(form, "family_summary", "", errors, required=False)
    if outcome == "spoke" and not summary:
        errors["family_summary"] = "Enter what the family said"
    if errors:
        raise Invalid(errors)
    audit = WeekAudit(week=week, partnership_id=week.partnership_id, agency_id=week.agency_id,
                      case_id=case.id, tool_key=tool.key, tool_version=tool.version,
                      auditor_id=by.id, domain_grades=grades, overall=overall,
                      findings=findings, family_with=with_whom, family_outcome=outcome,
                      family_on=asked_on, family_summary=summary, created_at=clock.now())
    db.session.add(audit)
    db.session.flush()
    share_family_feedback(case, activity=ACTIVITY, reference=audit.reference,
                          with_whom=with_whom, outcome=outcome, contacted_on=asked_on,
                          summary=summary or "", recorded_by=by)
    return audit
