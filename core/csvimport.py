"""Reading an uploaded CSV file into rows, with every problem named by line and column.

Shared by the case import and plugins' imports (through `core.toolkit`), so every import in the
platform reads files the same way and explains problems the same way: a spreadsheet saved as
"CSV UTF-8", a header line naming the columns in any order, blank lines ignored, and messages
that give the line a quoted cell starts on.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

MAX_BYTES = 10 * 1024 * 1024
SHOWN = 60

Rows = list[tuple[int, dict[str, str]]]


@dataclass(frozen=True)
class LineError:
    """A problem in a file: line 0 means the whole file; `column` may be None."""

    line: int
    column: str | None
    message: str

    def __str__(self) -> str:
        if not self.line:
            return self.message
        where = f"Line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


def shown(text: str) -> str:
    """A cell as it may appear in a message: never more than 60 characters."""
    return text if len(text) <= SHOWN else text[: SHOWN - 1] + "…"


def read_table(data: bytes, columns: Sequence[str], required: Sequence[str], *,
               max_rows: int, noun: str = "rows") -> tuple[Rows, list[LineError]]:
    """The file's rows as (line number, {column: text}), or the reasons it cannot be used.

    `columns` are the names the header may use (any order, case-insensitive); `required` must
    all be present; `noun` names what a line is in messages ("cases", "referrals").
    """
    if len(data) > MAX_BYTES:
        return [], [LineError(0, None, "The file is larger than 10 MB. Split it into smaller "
                                       "files.")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [LineError(0, None, "The file is not UTF-8 text. In your spreadsheet, save "
                                       "it as 'CSV UTF-8 (comma delimited)'.")]
    try:
        return _parse(text, columns, required, max_rows, noun)
    except csv.Error as exc:
        return [], [LineError(0, None, f"The file could not be read as CSV: {shown(str(exc))}")]


def _parse(text: str, columns: Sequence[str], required: Sequence[str], max_rows: int,
           noun: str) -> tuple[Rows, list[LineError]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip().lower() for h in next(reader, [])]
    errors = header_errors(header, columns, required)
    if errors:
        return [], errors
    rows: Rows = []
    for line, cells in _records(reader):
        if len(rows) == max_rows:
            return [], [LineError(line, None, f"The file has more than {max_rows:,} {noun}. "
                                              "Split it into smaller files.")]
        if len(cells) > len(header):
            errors.append(LineError(line, None, f"The line has {len(cells)} cells but the "
                                                f"first line names {len(header)} columns"))
        rows.append((line, {h: (cells[i].strip() if i < len(cells) else "")
                            for i, h in enumerate(header)}))
    if not rows and not errors:
        errors.append(LineError(2, None, f"The file has no {noun} in it"))
    return rows, errors


def _records(reader: Any) -> Iterator[tuple[int, list[str]]]:
    """Non-blank records with the line each starts on (a quoted cell may span lines)."""
    start = reader.line_num + 1
    for cells in reader:
        if any(c.strip() for c in cells):
            yield start, cells
        start = reader.line_num + 1


def header_errors(header: list[str], columns: Sequence[str],
                  required: Sequence[str]) -> list[LineError]:
    expected = ",".join(columns)
    if not any(header):
        return [LineError(1, None, f"The file is empty. The first line must be: {expected}")]
    errors = [LineError(1, None, f"Column '{shown(h)}' is not one we know. The columns are: "
                                 f"{expected}") for h in header if h not in columns]
    errors += [LineError(1, None, f"The column '{c}' is missing. The first line must name it")
               for c in required if c not in header]
    if len(set(header)) != len(header):
        errors.append(LineError(1, None, "A column is named twice"))
    return errors
