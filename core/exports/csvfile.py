"""Documents as CSV: the marking on the first line, then one table (`core.csvsafe`, so no
cell can be run as a formula by a spreadsheet)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from core.csvsafe import csv_lines
from core.exports.content import Document, report_rows


def _text(value: Any) -> Any:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return value


def rows_csv(header: Sequence[str], rows: Iterable[Sequence[Any]], marking: str) -> bytes:
    lines = csv_lines(list(header), ([_text(v) for v in row] for row in rows), marking=marking)
    return "".join(lines).encode("utf-8")


def document_csv(document: Document) -> bytes:
    header, rows = report_rows(document)
    return rows_csv(header, rows, document.marking)
