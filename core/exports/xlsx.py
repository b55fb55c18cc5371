"""Documents as XLSX (openpyxl, write-only mode so 10,000 rows stay fast).

The marking is the first row of every sheet and the printed header and footer of every page.
Text that a spreadsheet would run as a formula (= + - @ ...) is neutralised as in CSV.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from core.csvsafe import neutralise
from core.exports.content import Document, Table

BOLD = Font(bold=True)
MARKING_FONT = Font(bold=True, color="D4351C")


def _value(value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return "" if value is None else ("Yes" if value else "No")
    return value if isinstance(value, int | float) else neutralise(value)


def _cells(sheet, values: Iterable[Any], font: Font | None = None) -> list[WriteOnlyCell]:
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=_value(value))
        if font is not None:
            cell.font = font
        cells.append(cell)
    return cells


def _marked_sheet(book: Workbook, title: str, marking: str, widths: Sequence[int] = ()):
    sheet = book.create_sheet(title[:31])
    for page in (sheet.oddHeader, sheet.evenHeader, sheet.firstHeader):
        page.center.text = marking
    for page in (sheet.oddFooter, sheet.evenFooter, sheet.firstFooter):
        page.center.text = f"{marking} - page &P of &N"
    for n, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + n)].width = width
    sheet.append(_cells(sheet, [marking], MARKING_FONT))
    return sheet


def document_xlsx(document: Document, sheet_title: str = "Report") -> bytes:
    """One sheet: the title block, then each block's heading, paragraphs and tables."""
    book = Workbook(write_only=True)
    sheet = _marked_sheet(book, sheet_title, document.marking, widths=(40, 24, 16, 16, 16, 16))
    sheet.append(_cells(sheet, [document.title], BOLD))
    for label, value in document.about:
        sheet.append(_cells(sheet, [label, value]))
    for block in document.blocks:
        sheet.append([])
        sheet.append(_cells(sheet, [block.heading], BOLD))
        for paragraph in block.paragraphs:
            sheet.append(_cells(sheet, [paragraph]))
        for table in block.tables:
            _table(sheet, table)
    return _saved(book)


def _table(sheet, table: Table) -> None:
    sheet.append([])
    sheet.append(_cells(sheet, [table.caption], BOLD))
    sheet.append(_cells(sheet, table.header, BOLD))
    for row in table.rows:
        sheet.append(_cells(sheet, row))


def rows_xlsx(document: Document, header: Sequence[str], rows: Iterable[Sequence[Any]],
              sheet_title: str) -> bytes:
    """A list (an action plan): marking, title block, then one row per item under headings."""
    book = Workbook(write_only=True)
    sheet = _marked_sheet(book, sheet_title, document.marking)
    sheet.append(_cells(sheet, [document.title], BOLD))
    for label, value in document.about:
        sheet.append(_cells(sheet, [label, value]))
    sheet.append([])
    sheet.append(_cells(sheet, header, BOLD))
    for row in rows:
        sheet.append([_value(v) for v in row])
    return _saved(book)


def _saved(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
