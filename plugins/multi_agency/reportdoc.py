"""The audit report and the action plan as documents: one builder for the page, the XLSX and
the PDF, so all three always hold the same things. Case codes only; marked
OFFICIAL-SENSITIVE (an individual multi-agency audit pack, SECURITY.md)."""

from __future__ import annotations

from collections import Counter
from datetime import date

from core.toolkit import (
    EXPORT_MARKING,
    GRADES,
    ExportBlock,
    ExportDocument,
    ExportTable,
    format_london,
    utcnow,
)
from plugins.multi_agency.answers import grade_label
from plugins.multi_agency.comparison import Comparison, baseline_for, compare
from plugins.multi_agency.consultation import core_domains, finding_of, themes_of
from plugins.multi_agency.models import MultiAgencyAudit
from plugins.multi_agency.report import agency_parts, report_of
from plugins.multi_agency.returns import return_of
from plugins.multi_agency.tracking import RAG, audit_actions, rag_of, reviews_of, tracking_until
from plugins.multi_agency.voice import KINDS, voice_of

GRADE_HEADS = tuple(g.label for g in GRADES)


def _paragraphs(*texts: str | None) -> tuple[str, ...]:
    return tuple(p for t in texts if t for p in t.split("\n") if p.strip())


def _day(value: date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else "Not set"


def _about(audit: MultiAgencyAudit) -> list[tuple[str, str]]:
    return [("Audit", audit.reference), ("Theme", audit.theme), ("Cohort", audit.cohort),
            ("Owned by", audit.sub_committee),
            ("Baseline", "Yes, this audit is the baseline" if audit.is_baseline else "No"),
            ("Consultation meeting", _day(audit.consultation_held_on)),
            ("Built", format_london(utcnow()))]


def _texts(audit: MultiAgencyAudit) -> list[ExportBlock]:
    report = report_of(audit)
    blocks = [ExportBlock("Terms of reference", _paragraphs(audit.terms_of_reference))]
    for name, heading in (("key_outcomes", "Key outcomes"), ("learning", "Learning"),
                          ("recommendations", "Recommendations")):
        blocks.append(ExportBlock(heading, _paragraphs(getattr(report, name, None))
                                  or ("Not written yet.",)))
    return blocks


def _findings(audit: MultiAgencyAudit) -> ExportBlock:
    domains = core_domains()
    rows = []
    for selected in audit.cases:
        finding = finding_of(selected)
        grades = finding.grades if finding else {}
        rows.append((selected.code, *(grade_label(grades.get(d.code)) for d in domains),
                     grade_label(finding.overall if finding else None),
                     (finding.dissent or "None noted") if finding else ""))
    header = ("Case", *(d.title for d in domains), "Overall", "Dissent")
    summaries = [f"{c.code}: {f.summary}" for c in audit.cases if (f := finding_of(c))]
    return ExportBlock("Agreed findings by case", tuple(summaries),
                       (ExportTable("Agreed grades", header, rows),))


def _by_agency(audit: MultiAgencyAudit) -> list[ExportBlock]:
    parts = agency_parts(audit)
    blocks = []
    for participant in audit.participants:
        returns = [return_of(c, participant.agency_id) for c in audit.cases]
        submitted = [r for r in returns if r is not None and r.submitted]
        counts = Counter(r.overall for r in submitted if r.overall)
        none = sum(1 for r in submitted if r.no_involvement)
        table = ExportTable("Overall grades of the agency's returns", ("Grade", "Returns"),
                            [*((g.label, counts.get(g.value, 0)) for g in GRADES),
                             ("No involvement", none),
                             ("Not submitted", len(returns) - len(submitted))])
        part = parts.get(participant.agency_id)
        texts = _paragraphs(*(f"{label}: {getattr(part, name)}" for name, label in (
            ("key_outcomes", "Key outcomes"), ("learning", "Learning"),
            ("recommendations", "Recommendations")) if part and getattr(part, name)))
        blocks.append(ExportBlock(participant.agency.name, texts, (table,)))
    return blocks


def _themes(audit: MultiAgencyAudit) -> ExportBlock:
    rows = [(t.kind.capitalize(), t.title, t.text) for t in themes_of(audit)]
    return ExportBlock("Cross-agency themes and learning", (),
                       (ExportTable("Themes", ("Kind", "Title", "What was found"), rows),))


def _family(audit: MultiAgencyAudit) -> ExportBlock:
    rows = []
    for kind, label in KINDS.items():
        found = Counter(v.outcome for c in audit.cases if (v := voice_of(c, kind)))
        rows.append((label, found.get("spoke", 0), found.get("declined", 0),
                     found.get("no_contact", 0), len(audit.cases) - sum(found.values())))
    return ExportBlock("The family's voice", (), (ExportTable(
        "Contacts by outcome", ("Whose views", "Spoke", "Declined", "No contact",
                                "Not recorded"), rows),))


def comparison_tables(result: Comparison) -> tuple[ExportTable, ExportTable]:
    header = ("", *(f"Baseline: {g}" for g in GRADE_HEADS), *(f"Now: {g}" for g in GRADE_HEADS),
              "Baseline % good or better", "Now % good or better", "Change")

    def rows(items):
        return [(r.label, *r.baseline.counts, *r.current.counts, r.baseline.good_share,
                 r.current.good_share, f"{r.arrow} {r.change_words}") for r in items]

    return (ExportTable("By domain (agreed grades)", header, rows(result.domains)),
            ExportTable("By agency (overall grades of returns)", header, rows(result.agencies)))


def comparison_of(audit: MultiAgencyAudit,
                  agency_ids: set[int] | None = None) -> Comparison | None:
    baseline = baseline_for(audit)
    if baseline is None:
        return None
    return compare(audit, baseline, [(d.code, d.title) for d in core_domains()], agency_ids)


def _comparison(audit: MultiAgencyAudit) -> ExportBlock:
    result = comparison_of(audit)
    if result is None:
        text = "This audit is the baseline for its theme." if audit.is_baseline else \
            "There is no baseline audit of this theme to compare with."
        return ExportBlock("Comparison with the baseline", (text,))
    return ExportBlock("Comparison with the baseline", (
        f"Compared with baseline audit {result.baseline.reference} "
        f"({result.baseline.title}). Arrows show the change in the share graded good or "
        f"better.",), comparison_tables(result))


def report_document(audit: MultiAgencyAudit) -> ExportDocument:
    blocks = [*_texts(audit), _findings(audit), *_by_agency(audit), _themes(audit),
              _family(audit), _comparison(audit)]
    return ExportDocument(f"Multi-agency audit report: {audit.title}", _about(audit),
                          tuple(blocks), EXPORT_MARKING)


def action_plan_document(audit: MultiAgencyAudit, today: date) -> ExportDocument:
    actions = [(a.reference, a.what, a.owner_agency.name,
                a.owner_user.name if a.owner_user else "", _day(a.due_date),
                a.status.replace("_", " ").capitalize(), RAG.get(rag_of(a, today), "Cancelled"))
               for a in audit_actions(audit)]
    reviews = [(_day(r.held_on), RAG[r.rag], r.impact, _day(r.next_review_on))
               for r in reviews_of(audit)]
    about = [("Audit", audit.reference), ("Owned by", audit.sub_committee),
             ("Tracked until", _day(tracking_until(audit))), ("Built", format_london(utcnow()))]
    blocks = (ExportBlock("Actions", (), (ExportTable(
        "Actions", ("Action", "What", "Agency", "Owner", "Due", "Status", "RAG"), actions),)),
        ExportBlock("Sub-committee reviews", (), (ExportTable(
            "Reviews", ("Held", "RAG", "Evidence of impact", "Next review"), reviews),)))
    return ExportDocument(f"Partnership action plan: {audit.title}", about, blocks,
                          EXPORT_MARKING)

