"""The visit report as a PDF, written by core's export renderer (marked OFFICIAL-SENSITIVE on
every page). The same parts as the report page (`report_view.py`); children by case code only.

A single report is a few pages, so it is built while the person waits, like the other plugins'
report files; each export is written to the access log.
"""

from __future__ import annotations

from typing import Any

from core.toolkit import (
    EXPORT_MARKING,
    ExportBlock,
    ExportDocument,
    ExportTable,
    export_pdf,
    format_london,
)
from plugins.reg44 import clock
from plugins.reg44.models import Visit
from plugins.reg44.report_view import report_context


def _day(value: Any) -> str:
    return value.strftime("%-d %B %Y") if value else "Not recorded"


def _about(ctx: dict[str, Any]) -> list[tuple[str, str]]:
    visit, home = ctx["visit"], ctx["home"]
    return [("Home", home.name), ("Provider", home.provider),
            ("Ofsted URN", home.ofsted_urn or "Not recorded"),
            ("Latest Ofsted judgement", ctx["judgement"]),
            ("Month", clock.month_label(visit.month)),
            ("Date of the visit", _day(visit.visited_on)),
            ("Announced", ctx["announced"] or "Not recorded"),
            ("Independent person", visit.visitor.name if visit.visitor else "Not recorded"),
            ("Reference", visit.reference), ("Built", format_london(clock.now()))]


def _people(ctx: dict[str, Any]) -> ExportBlock:
    people = ctx["people"]
    spoke = ", ".join(people["roles"]) or "No staff or others recorded"
    paragraphs = [f"Spoke to: {spoke}" + (f"; {people['other']}" if people["other"] else "")]
    if people["other_children"]:
        paragraphs.append(f"Children placed by other authorities: {people['other_children']}")
    rows = [[c["code"], c["how"], (c["views"] or "") if c["consent"]
             else "Did not agree to share their views.", ", ".join(c["themes"])]
            for c in ctx["children"]]
    tables = [ExportTable("Children spoken to (by case code)",
                          ("Case code", "How", "What they said", "Themes"), rows)] if rows else []
    return ExportBlock("Who the independent person spoke to", paragraphs, tables)


def _standards(ctx: dict[str, Any]) -> list[ExportBlock]:
    blocks = []
    for part in ctx["standards"]:
        if part.not_applicable:
            blocks.append(ExportBlock(part.title, ["Not applicable at this home."]))
            continue
        rows = [[a.text, a.answer or "Not answered"] for a in part.answers]
        blocks.append(ExportBlock(part.title, tables=[
            ExportTable(part.title, ("Question", "Answer"), rows)]))
    return blocks


def _carried(ctx: dict[str, Any]) -> list[ExportBlock]:
    if not ctx["carried"]:
        return []
    rows = []
    for rec in ctx["carried"]:
        review = ctx["reviews"].get(rec.id)
        found = ctx["outcomes"].get(review.outcome, "") if review and review.outcome \
            else "Not checked"
        rows.append([rec.label, rec.text, found, (review.note or "") if review else ""])
    return [ExportBlock("Recommendations from earlier visits", tables=[ExportTable(
        "Open recommendations carried over", ("Reference", "Recommendation", "Found", "Note"),
        rows)])]


def _opinion(ctx: dict[str, Any]) -> ExportBlock:
    visit, yes_no = ctx["visit"], ctx["yes_no"]
    paragraphs = [
        "Are children effectively safeguarded? "
        f"{yes_no.get(visit.safeguarded or '', 'Not given')}. {visit.safeguarded_reason or ''}",
        "Does the conduct of the home promote children's well-being? "
        f"{yes_no.get(visit.wellbeing or '', 'Not given')}. {visit.wellbeing_reason or ''}"]
    if visit.summary:
        paragraphs.append(visit.summary)
    return ExportBlock("Opinion", paragraphs)


def _recommendations(ctx: dict[str, Any]) -> ExportBlock:
    titles = ctx["standard_titles"]
    rows = [[rec.number, rec.text, titles.get(rec.standard, rec.standard)]
            for rec in ctx["visit"].recommendations]
    if not rows:
        return ExportBlock("Recommendations", ["None."])
    return ExportBlock("Recommendations", tables=[ExportTable(
        "Recommendations", ("No.", "Recommendation", "Quality standard"), rows)])


def document(visit: Visit) -> ExportDocument:
    ctx = report_context(visit)
    blocks = [_people(ctx), *_standards(ctx), *_carried(ctx), _opinion(ctx),
              _recommendations(ctx)]
    return ExportDocument(f"Regulation 44 visit report: {visit.home.name}, "
                          f"{clock.month_label(visit.month)}", _about(ctx), tuple(blocks),
                          marking=EXPORT_MARKING)


def report_pdf(visit: Visit) -> bytes:
    return export_pdf(document(visit))


def file_name(visit: Visit) -> str:
    """A name of the reference only (no home or child names in file names)."""
    return f"reg44-report-{visit.reference}.pdf"
