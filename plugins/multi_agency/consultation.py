"""The consultation meeting: agreed findings per case on the shared core domains and overall
(an inadequate domain still limits the overall grade), dissent noted, and the cross-agency
themes and learning the meeting drew out."""

from __future__ import annotations

from sqlalchemy import select

from core.toolkit import GRADES, NOT_APPLICABLE, User, db, get_tool, overall_grade, utcnow
from plugins.multi_agency.models import (
    MultiAgencyAudit,
    MultiAgencyCase,
    MultiAgencyFinding,
    MultiAgencyTheme,
)
from plugins.multi_agency.problems import Invalid, Refused, text
from plugins.multi_agency.programme import log, require_status
from plugins.multi_agency.toolset import CORE_TOOL

THEME_KINDS = {"theme": "Cross-agency theme", "learning": "Learning"}
GRADE_KEYS = tuple(g.value for g in GRADES)


def finding_of(audit_case: MultiAgencyCase) -> MultiAgencyFinding | None:
    return db.session.scalar(select(MultiAgencyFinding).where(
        MultiAgencyFinding.audit_case_id == audit_case.id))


def core_domains():
    return get_tool(CORE_TOOL).domains


def _agreed_grades(grades: dict[str, str | None], errors: dict[str, str]) -> dict[str, str]:
    kept = {}
    for domain in core_domains():
        value = (grades.get(domain.code) or "").strip()
        allowed = GRADE_KEYS + ((NOT_APPLICABLE,) if domain.allow_not_applicable else ())
        if value not in allowed:
            errors[f"grades.{domain.code}"] = f"Select the agreed grade for {domain.title}"
        else:
            kept[domain.code] = value
    return kept


def record_finding(audit: MultiAgencyAudit, audit_case: MultiAgencyCase,
                   grades: dict[str, str | None], overall: str | None, summary: str | None,
                   dissent: str | None, by: User,
                   seen_version: int | None = None) -> MultiAgencyFinding:
    require_status(audit, "consultation")
    found = finding_of(audit_case)
    if found is not None and seen_version is not None and found.version != seen_version:
        raise Refused("Someone else saved this finding since you opened it. Reload it.", "stale")
    errors: dict[str, str] = {}
    kept = _agreed_grades(grades, errors)
    if overall not in GRADE_KEYS:
        errors["overall"] = "Select the agreed overall grade"
    summary = text(summary, "summary", "what the meeting agreed", 10000, errors)
    dissent = text(dissent, "dissent", "the dissent", 5000, errors, required=False)
    if errors:
        raise Invalid(errors)
    result = overall_grade(kept, "limiting_judgement", overall)
    found = found or MultiAgencyFinding(audit_case_id=audit_case.id)
    found.grades, found.summary, found.dissent = kept, summary, dissent
    found.overall = result.grade.value if result.grade else None
    found.recorded_by_id, found.recorded_at = by.id, utcnow()
    db.session.add(found)
    db.session.flush()
    log(audit, "multi_agency_finding_agreed", by, f"case {audit_case.code}")
    return found


def add_theme(audit: MultiAgencyAudit, kind: str | None, title: str | None,
              body: str | None, by: User) -> None:
    require_status(audit, "consultation", "reported")
    errors: dict[str, str] = {}
    if kind not in THEME_KINDS:
        errors["kind"] = "Select whether this is a theme or learning"
    title = text(title, "title", "a short title", 200, errors, line=True)
    body = text(body, "text", "what the meeting found", 5000, errors)
    if errors:
        raise Invalid(errors)
    db.session.add(MultiAgencyTheme(audit_id=audit.id, kind=kind, title=title, text=body))
    log(audit, "multi_agency_theme_added", by)


def remove_theme(audit: MultiAgencyAudit, theme_id: int, by: User) -> None:
    require_status(audit, "consultation", "reported")
    theme = db.session.get(MultiAgencyTheme, theme_id)
    if theme is None or theme.audit_id != audit.id:
        raise Refused("No such theme.", "missing")
    db.session.delete(theme)
    log(audit, "multi_agency_theme_removed", by)


def themes_of(audit: MultiAgencyAudit) -> list[MultiAgencyTheme]:
    return list(db.session.scalars(select(MultiAgencyTheme).where(
        MultiAgencyTheme.audit_id == audit.id).order_by(MultiAgencyTheme.id)))
