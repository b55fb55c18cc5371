"""The LADO report as a file: PDF, XLSX or CSV, marked OFFICIAL-SENSITIVE, with the same
tables as the page (coded aggregates and pseudonymous keys only)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from core.toolkit import (
    EXPORT_MARKING,
    GRADES,
    ExportBlock,
    ExportDocument,
    ExportTable,
    csv_lines,
    export_pdf,
    export_xlsx,
    format_london,
    utcnow,
)
from plugins.lado.figures import Figures

MEDIA = {"pdf": "application/pdf",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "csv": "text/csv; charset=utf-8"}


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def _counts(caption: str, pairs: list[tuple[str, int]], first: str = "Category",
            second: str = "Referrals") -> ExportTable:
    return ExportTable(caption, (first, second), [list(p) for p in pairs])


def _timeliness(f: Figures) -> ExportTable:
    rows = [[s.label, s.target, s.measured, s.within, s.percent, s.median_days]
            for s in f.timeliness]
    return ExportTable("Timeliness (UK working days from the referral)",
                       ("Step", "Target", "Measured", "Within target", "Within target (%)",
                        "Median"), rows)


def _repeats(f: Figures) -> ExportTable:
    rows = [[r.key, "Employer", r.referrals] for r in f.repeat_employers]
    rows += [[r.key, "Adult", r.referrals] for r in f.repeat_adults]
    return ExportTable("Repeat employers and adults (pseudonymous keys)",
                       ("Key", "Kind", "Referrals"), rows)


def _grades(f: Figures) -> list[ExportTable]:
    labels = [g.label for g in GRADES] + ["Not applicable"]
    return [_counts("Overall grades", f.overall_grades, "Grade", "Audits"),
            ExportTable("Grades by domain", ("Domain", *labels),
                        [[title, *row] for title, row in f.domain_grades])]


def document(f: Figures, title: str) -> ExportDocument:
    headlines = [("Referrals received", f.received), ("Concluded with an outcome", f.concluded),
                 ("Open at the end of the period", f.open_at_end),
                 ("Long-running at the end of the period", f.long_running),
                 ("Audits completed", f.audits_completed)]
    blocks = [
        ExportBlock("Headlines", tables=[_counts("Headlines", headlines, "Figure", "Value")]),
        ExportBlock("Referrals", tables=[
            _counts("Referrals by sector", f.by_sector, "Sector"),
            _counts("Referrals by category of allegation", f.by_category),
            _counts("Outcomes of referrals concluded in the period", f.by_outcome, "Outcome"),
            _counts("Referring agencies", f.by_referrer, "Agency"),
            _counts("Decisions and steps", f.steps, "Step")]),
        ExportBlock("Timeliness", tables=[_timeliness(f)]),
        ExportBlock("Repeat employers and adults", paragraphs=[
            "Referred more than once in the 12 months to the end of the period, by "
            "pseudonymous key. Who they are is not shown."], tables=[_repeats(f)]),
        ExportBlock("Audit grades and learning", paragraphs=[
            f"{item.reference} ({item.grade}): {item.text}" for item in f.learning],
            tables=_grades(f)),
        ExportBlock("Trend", tables=[_counts("Referrals over the last four quarters", f.trend,
                                             "Quarter")]),
    ]
    about = [("Partnership", f.partnership.name),
             ("Period", f"{_day(f.start)} to {_day(f.end)}"),
             ("Built", format_london(utcnow()))]
    return ExportDocument(f"{title}: {f.partnership.name}", about, blocks)


def _csv(doc: ExportDocument) -> bytes:
    def rows() -> Iterator[list]:
        for label, value in doc.about:
            yield ["About", label, value]
        for block in doc.blocks:
            for paragraph in block.paragraphs:
                yield [block.heading, paragraph]
            for table in block.tables:
                yield [table.caption, *table.header]
                yield from ([table.caption, *row] for row in table.rows)

    return "".join(csv_lines(["Section", "Item", "Values"], rows(),
                             marking=EXPORT_MARKING)).encode()


def render(f: Figures, title: str, fmt: str) -> bytes:
    doc = document(f, title)
    writers = {"pdf": export_pdf, "xlsx": export_xlsx, "csv": _csv}
    return writers[fmt](doc)
