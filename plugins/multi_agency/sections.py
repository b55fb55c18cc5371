"""The plugin's part of core's QA reports: multi-agency audits reported in the period, the
grades their consultation meetings agreed, and the themes they found. Codes only."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from core.toolkit import (
    GRADES,
    ChartSeries,
    ReportChart,
    ReportContext,
    ReportFigure,
    ReportFinding,
    ReportSection,
    db,
    scoped,
)
from plugins.multi_agency.comparison import OVERALL, agreed_grades
from plugins.multi_agency.consultation import themes_of
from plugins.multi_agency.models import MultiAgencyAudit, MultiAgencyParticipant
from plugins.multi_agency.permissions import VIEW


def _audits(context: ReportContext) -> list[MultiAgencyAudit]:
    query = scoped(MultiAgencyAudit, VIEW, context.user) if context.user is not None \
        else select(MultiAgencyAudit)
    query = query.where(MultiAgencyAudit.partnership_id == context.partnership.id,
                        MultiAgencyAudit.reported_at.is_not(None),
                        context.during(MultiAgencyAudit.reported_at))
    if context.agency is not None:
        query = query.where(MultiAgencyAudit.participants.any(
            MultiAgencyParticipant.agency_id == context.agency.id))
    return list(db.session.scalars(query.order_by(MultiAgencyAudit.reported_at)))


def audits_section(context: ReportContext) -> ReportSection:
    audits = _audits(context)
    overall = Counter(g for a in audits for g in agreed_grades(a).get(OVERALL, []))
    chart = ReportChart("Agreed overall grades of multi-agency audit cases",
                        tuple(g.label for g in GRADES),
                        (ChartSeries("Cases", tuple(overall.get(g.value, 0) for g in GRADES)),),
                        category_label="Grade") if overall else None
    findings = tuple(ReportFinding(t.title, f"{a.reference}: {t.text}")
                     for a in audits for t in themes_of(a) if t.kind == "theme")
    narrative = "\n".join(f"{a.reference}: {a.title} ({a.theme})" for a in audits) or \
        "No multi-agency audit was reported in this period."
    return ReportSection(
        "multi_agency.audits", "Multi-agency audits",
        figures=(ReportFigure("Audits reported", len(audits)),
                 ReportFigure("Cases audited", sum(len(a.cases) for a in audits))),
        chart=chart, narrative=narrative, findings=findings, order=300)
