"""The coordinator's report: key outcomes, learning and recommendations, overall and by
agency; publishing it starts the partnership action plan the sub-committee tracks."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from core.toolkit import ActionInvalid, User, create_action_plan, db, utcnow
from plugins.multi_agency.consultation import finding_of
from plugins.multi_agency.models import (
    MultiAgencyAgencyReport,
    MultiAgencyAudit,
    MultiAgencyReport,
)
from plugins.multi_agency.problems import Invalid, Refused, text
from plugins.multi_agency.programme import log, require_status

PARTS = (("key_outcomes", "the key outcomes"), ("learning", "the learning"),
         ("recommendations", "the recommendations"))
LIMIT = 10000


@dataclass
class ReportText:
    key_outcomes: str | None = None
    learning: str | None = None
    recommendations: str | None = None


def report_of(audit: MultiAgencyAudit) -> MultiAgencyReport | None:
    return db.session.scalar(select(MultiAgencyReport).where(
        MultiAgencyReport.audit_id == audit.id))


def agency_parts(audit: MultiAgencyAudit) -> dict[int, MultiAgencyAgencyReport]:
    rows = db.session.scalars(select(MultiAgencyAgencyReport).where(
        MultiAgencyAgencyReport.audit_id == audit.id))
    return {r.agency_id: r for r in rows}


def _checked(part: ReportText, prefix: str, errors: dict[str, str]) -> dict[str, str | None]:
    return {name: text(getattr(part, name), f"{prefix}{name}", label, LIMIT, errors,
                       required=False) for name, label in PARTS}


def save_report(audit: MultiAgencyAudit, overall: ReportText, by_agency: dict[int, ReportText],
                by: User, seen_version: int | None = None) -> MultiAgencyReport:
    """Save the report's text (overall, and per taking-part agency). Raises Invalid/Refused."""
    require_status(audit, "consultation", "reported")
    report = report_of(audit)
    if report is not None and seen_version is not None and report.version != seen_version:
        raise Refused("Someone else saved the report since you opened it. Reload it.", "stale")
    errors: dict[str, str] = {}
    values = _checked(overall, "", errors)
    agency_values = {p.agency_id: _checked(by_agency.get(p.agency_id, ReportText()),
                                           f"agency-{p.agency_id}-", errors)
                     for p in audit.participants}
    if errors:
        raise Invalid(errors)
    report = report or MultiAgencyReport(audit_id=audit.id)
    for name, value in values.items():
        setattr(report, name, value)
    report.updated_by_id, report.updated_at = by.id, utcnow()
    db.session.add(report)
    parts = agency_parts(audit)
    for agency_id, part_values in agency_values.items():
        part = parts.get(agency_id) or MultiAgencyAgencyReport(audit_id=audit.id,
                                                               agency_id=agency_id)
        for name, value in part_values.items():
            setattr(part, name, value)
        db.session.add(part)
    db.session.flush()
    return report


def publishing_problems(audit: MultiAgencyAudit) -> list[str]:
    problems = [f"Record the agreed finding for case {c.code}." for c in audit.cases
                if finding_of(c) is None]
    report = report_of(audit)
    if report is None or not report.key_outcomes or not report.recommendations:
        problems.append("Write the key outcomes and recommendations.")
    return problems


def publish_report(audit: MultiAgencyAudit, by: User) -> None:
    """Publish the report and start the partnership action plan for the sub-committee."""
    require_status(audit, "consultation")
    problems = publishing_problems(audit)
    if problems:
        raise Refused(" ".join(problems))
    try:
        plan = create_action_plan(
            audit.partnership, f"{audit.reference} {audit.title}"[:200],
            f"Partnership action plan of multi-agency audit {audit.reference} ({audit.theme}), "
            f"tracked by {audit.sub_committee} for {audit.tracking_months} months.", by)
    except ActionInvalid as exc:
        raise Refused("The action plan could not be started: "
                      + "; ".join(exc.errors.values())) from None
    audit.action_plan_id = plan.id
    audit.status, audit.reported_at = "reported", utcnow()
    log(audit, "multi_agency_reported", by)
