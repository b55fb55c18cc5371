"""Documents as PDF with fpdf2 (pure Python) and the vendored DejaVu Sans font.

The marking is printed at the top and the bottom of every page by `header()` and `footer()`.
Charts are drawn as plain bars from the same numbers as the table printed under them. The font
ships in `core/exports/fonts` (DejaVu Sans from Debian's fonts-dejavu-core), so nothing is
fetched at run time and any character a name or finding holds can be printed.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.fonts import FontFace

from core.exports.content import Document, Table
from core.reports.charts import PALETTE, number, totals
from core.reports.sections import ReportChart

FONTS = Path(__file__).resolve().parent / "fonts"
FAMILY = "DejaVu"
RED = (212, 53, 28)
TEXT = (11, 12, 12)
GREY = (243, 242, 241)


class MarkedPDF(FPDF):
    """An A4 document whose every page carries the protective marking, top and bottom."""

    def __init__(self, marking: str, title: str, orientation: str = "portrait") -> None:
        super().__init__(orientation=orientation, format="A4")
        self.marking, self.doc_title = marking, title
        self.add_font(FAMILY, "", FONTS / "DejaVuSans.ttf")
        self.add_font(FAMILY, "B", FONTS / "DejaVuSans-Bold.ttf")
        self.set_title(title)
        self.set_auto_page_break(True, margin=18)
        self.set_margins(15, 20, 15)

    def header(self) -> None:
        self.set_font(FAMILY, "B", 10)
        self.set_text_color(*RED)
        self.set_y(8)
        self.cell(0, 6, self.marking, align="C", new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(*TEXT)
        self.set_y(20)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(FAMILY, "", 8)
        self.set_text_color(*RED)
        self.cell(0, 5, f"{self.marking}  ·  page {self.page_no()} of {{nb}}", align="C")
        self.set_text_color(*TEXT)


def _cell(value: Any, unit: str = "") -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int | float):
        return number(value, unit)
    return "" if value is None else str(value)


def _title_block(pdf: MarkedPDF, document: Document) -> None:
    pdf.set_font(FAMILY, "B", 16)
    pdf.multi_cell(0, 8, document.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 10)
    for label, value in document.about:
        pdf.multi_cell(0, 5, f"{label}: {value}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)


def _table(pdf: MarkedPDF, table: Table, widths: Sequence[float] | None = None) -> None:
    pdf.set_font(FAMILY, "B", 10)
    pdf.multi_cell(0, 6, table.caption, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 9)
    pdf.set_fill_color(255, 255, 255)
    unit = table.chart.unit if table.chart is not None else ""
    header, rows = table.shown or (table.header, table.rows)
    with pdf.table(col_widths=widths, text_align="LEFT", line_height=5,
                   headings_style=FontFace(emphasis="BOLD", fill_color=GREY)) as grid:
        grid.row([str(h) for h in header])
        for row in rows:
            grid.row([_cell(v, unit) for v in row])
    pdf.ln(3)


def _chart(pdf: MarkedPDF, chart: ReportChart) -> None:
    """Horizontal bars, one row per category (stacked or side by side), with a legend."""
    label_w, room = 55.0, 18.0
    width = pdf.epw - label_w - room
    biggest = max(totals(chart) if chart.stacked else
                  [v for s in chart.series for v in s.values] or [0])
    scale = width / biggest if biggest else 0
    rows = len(chart.categories) * (1 if chart.stacked else len(chart.series))
    if pdf.will_page_break(rows * 6 + 14):
        pdf.add_page()
    pdf.set_font(FAMILY, "", 8)
    _legend(pdf, chart, label_w)
    for i, category in enumerate(chart.categories):
        _bars(pdf, chart, i, category, label_w, scale)
    pdf.ln(3)


def _rgb(n: int) -> tuple[int, int, int]:
    colour = PALETTE[n % len(PALETTE)].lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


def _legend(pdf: MarkedPDF, chart: ReportChart, x0: float) -> None:
    if len(chart.series) < 2:
        return
    x, y = pdf.l_margin + x0, pdf.get_y()
    for n, series in enumerate(chart.series):
        pdf.set_fill_color(*_rgb(n))
        pdf.rect(x, y + 1, 3, 3, style="F")
        pdf.text(x + 4.5, y + 3.8, series.label)
        x += pdf.get_string_width(series.label) + 10
    pdf.set_y(y + 7)


def _bars(pdf: MarkedPDF, chart: ReportChart, i: int, category: str, label_w: float,
          scale: float) -> None:
    y = pdf.get_y()
    pdf.text(pdf.l_margin, y + 3.8, category[:40])
    x = pdf.l_margin + label_w
    for n, series in enumerate(chart.series):
        length = series.values[i] * scale
        if length > 0:
            pdf.set_fill_color(*_rgb(n))
            pdf.rect(x, y, length, 4.5, style="F")
        if chart.stacked:
            x += length
        else:
            pdf.text(x + length + 1.5, y + 3.6, number(series.values[i], chart.unit))
            y += 5.5
    if chart.stacked:
        pdf.text(x + 1.5, y + 3.6, number(sum(s.values[i] for s in chart.series), chart.unit))
        y += 5.5
    pdf.set_y(y + 0.5)


def document_pdf(document: Document) -> bytes:
    pdf = MarkedPDF(document.marking, document.title)
    pdf.add_page()
    _title_block(pdf, document)
    for block in document.blocks:
        if pdf.will_page_break(30):
            pdf.add_page()
        pdf.set_font(FAMILY, "B", 13)
        pdf.multi_cell(0, 7, block.heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FAMILY, "", 10)
        for paragraph in block.paragraphs:
            pdf.multi_cell(0, 5, paragraph, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        for table in block.tables:
            if table.chart is not None:
                _chart(pdf, table.chart)
            _table(pdf, table)
        pdf.ln(4)
    return bytes(pdf.output())


def rows_pdf(document: Document, header: Sequence[str], rows: Sequence[Sequence[Any]],
             widths: Sequence[float]) -> bytes:
    """A list (an action plan) in landscape, its headings repeated on every page."""
    pdf = MarkedPDF(document.marking, document.title, orientation="landscape")
    pdf.add_page()
    _title_block(pdf, document)
    _table(pdf, Table(f"{len(rows)} rows", header, rows), widths)
    return bytes(pdf.output())
