"""CSV that spreadsheets cannot be tricked by: cells starting with = + - @ tab or CR are
prefixed with an apostrophe (OWASP CSV injection), and the first row carries the marking."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(DANGEROUS) else text


def csv_lines(header: list[str], rows: Iterable[Iterable[object]],
              marking: str = "OFFICIAL-SENSITIVE") -> Iterator[str]:
    """Yield the CSV text line by line (for streaming responses)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([marking])
    writer.writerow(header)
    yield buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([neutralise(v) for v in row])
        yield buffer.getvalue()
