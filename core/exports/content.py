"""What goes into an export, independent of its format: a marked title block and tables.

Every writer (XLSX, CSV, PDF) takes a `Document`: the protective marking, a title, a few
"about" lines (what it covers, when it was built) and blocks of text and tables. Reports and
action plans are turned into a Document here, so the three formats always hold the same things.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from core.reports.charts import number, table_of
from core.reports.compose import Report
from core.reports.sections import PERIOD_KINDS, ReportSection
from core.timeutil import format_london

MARKING = "OFFICIAL-SENSITIVE"


@dataclass(frozen=True)
class Table:
    """A table: column headings and rows of values (numbers stay numbers)."""

    caption: str
    header: Sequence[str]
    rows: Sequence[Sequence[Any]]
    chart: Any = None  # the ReportChart this table carries, for formats that draw it
    # How people read it (PDF): headings and rows as text, when that differs from the data.
    shown: tuple[Sequence[str], Sequence[Sequence[str]]] | None = None


@dataclass(frozen=True)
class Block:
    """One part of a document: a heading, paragraphs and tables, in that order."""

    heading: str
    paragraphs: Sequence[str] = ()
    tables: Sequence[Table] = ()


@dataclass(frozen=True)
class Document:
    title: str
    about: Sequence[tuple[str, str]]
    blocks: Sequence[Block] = field(default_factory=tuple)
    marking: str = MARKING


def report_document(report: Report) -> Document:
    context = report.context
    about = [("Covers", context.scope_label), ("Period", context.period_label),
             ("Kind", f"{PERIOD_KINDS[context.period]} report"),
             ("Built", format_london(report.built_at))]
    return Document(report.title, about, tuple(_block(s) for s in report.sections))


def _block(section: ReportSection) -> Block:
    tables = []
    if section.figures:
        tables.append(Table(
            "Figures", ("Figure", "Value", "Target", "Unit"),
            [(f.label, f.value, f.target, f.unit) for f in section.figures],
            shown=(("Figure", "Value", "Target"),
                   [(f.label, number(f.value, f.unit),
                     "" if f.target is None else number(f.target, f.unit))
                    for f in section.figures])))
    if section.chart is not None:
        header, rows = table_of(section.chart)
        tables.append(Table(section.chart.title, header, rows, section.chart))
    if section.findings:
        tables.append(Table("Findings", ("Theme", "Finding"),
                            [(f.theme, f.text) for f in section.findings]))
    paragraphs = [p for p in section.narrative.split("\n") if p.strip()]
    return Block(section.title, paragraphs, tables)


def report_rows(document: Document) -> tuple[list[str], list[list[Any]]]:
    """The whole document as one long table (for CSV): one row per figure, table cell,
    paragraph and finding, each saying which section and part it belongs to."""
    header = ["Section", "Part", "Row", "Column", "Value"]
    rows: list[list[Any]] = [["Report", "About", label, "", value]
                             for label, value in (("Title", document.title), *document.about)]
    for block in document.blocks:
        rows += [[block.heading, "Narrative", "", "", p] for p in block.paragraphs]
        for table in block.tables:
            for row in table.rows:
                rows += [[block.heading, table.caption, row[0], column, value]
                         for column, value in zip(table.header[1:], row[1:], strict=True)]
    return header, rows
