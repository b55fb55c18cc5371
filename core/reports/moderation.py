"""Moderation: of the audits moderated in the period, how many overall grades the moderator
confirmed, raised or lowered (the downgrade rate is a headline measure: Havering, Sefton).

Each moderation grade is compared with the auditor's last overall grade before it (after the
practitioner conversation if there was one, else the file review): `record_grade` keeps that
grade on the moderation row (`compared_grade`), so this is one GROUP BY over the moderation
rows of the period, read from the report index alone.
"""

from __future__ import annotations

from sqlalchemy import func, select

from core.extensions import db
from core.reports.completion import percent
from core.reports.sections import (
    ChartSeries,
    ReportChart,
    ReportContext,
    ReportFigure,
    ReportFinding,
    ReportSection,
)
from core.tools.grading import Grade
from core.tools.models import GradeRecord

OUTCOMES = ("Confirmed", "Upgraded", "Downgraded")


def _pairs(context: ReportContext) -> list[tuple[str, str | None, int]]:
    """(moderator's grade, auditor's grade it was compared with or None, how many)."""
    query = (
        select(GradeRecord.grade, GradeRecord.compared_grade, func.count())
        .where(context.placed(GradeRecord.partnership_id, GradeRecord.agency_id,
                              GradeRecord.team_id),
               GradeRecord.stage == "moderation", context.during(GradeRecord.recorded_at),
               GradeRecord.domain_code.is_(None))
        .group_by(GradeRecord.grade, GradeRecord.compared_grade)
    )
    return [(after, was, int(n)) for after, was, n in db.session.execute(query)]


def outcome(after: str, before: str | None) -> str | None:
    """'Confirmed', 'Upgraded' or 'Downgraded'; None when there is nothing to compare."""
    try:
        moderated, audited = Grade(after), Grade(before)
    except ValueError:  # not applicable, or no auditor's grade to compare with
        return None
    if moderated == audited:
        return "Confirmed"
    return "Upgraded" if moderated > audited else "Downgraded"


def moderation_section(context: ReportContext) -> ReportSection:
    tally = dict.fromkeys(OUTCOMES, 0)
    moderated = 0
    for after, before, n in _pairs(context):
        moderated += n
        result = outcome(after, before)
        if result is not None:
            tally[result] += n
    compared = sum(tally.values())
    rate = percent(tally["Downgraded"], compared)
    return ReportSection(
        key="core.moderation", title="Moderation", order=30,
        figures=(ReportFigure("Audits moderated", moderated),
                 *(ReportFigure(name, tally[name]) for name in OUTCOMES),
                 ReportFigure("Downgrade rate", rate, unit="%")),
        chart=_chart(tally) if compared else None,
        narrative=_narrative(moderated, compared, tally, rate),
        findings=_findings(rate, tally["Downgraded"], compared),
    )


def _chart(tally: dict[str, int]) -> ReportChart:
    return ReportChart("Moderators' decisions on overall grades", categories=OUTCOMES,
                       series=(ChartSeries("Audits", tuple(tally[o] for o in OUTCOMES)),),
                       category_label="Decision")


def _narrative(moderated: int, compared: int, tally: dict[str, int], rate: float | None) -> str:
    if not moderated:
        return "No audits were moderated in this period."
    return (f"{moderated} audits were moderated. Of the {compared} with an auditor's grade to "
            f"compare, the moderator confirmed {tally['Confirmed']}, upgraded "
            f"{tally['Upgraded']} and downgraded {tally['Downgraded']} ({rate}%).")


def _findings(rate: float | None, downgraded: int, compared: int) -> tuple[ReportFinding, ...]:
    if rate is None or rate < 20:
        return ()
    return (ReportFinding("Moderation", f"Moderators downgraded {downgraded} of {compared} "
                                        f"audits ({rate}%): grading may be too generous."),)
