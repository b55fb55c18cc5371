"""Rows to JSON lines and back, table by table, using each column's type to restore values."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import Column, Table, func, insert, select, text
from sqlalchemy.types import Date, DateTime, Integer, LargeBinary, Numeric, Time

from core.extensions import db

BATCH = 2000


def tables() -> list[Table]:
    """Every table the app knows, parents before children (the order inserts need)."""
    return list(db.metadata.sorted_tables)


def _encode(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _decode(column: Column, value: Any) -> Any:
    if value is None:
        return None
    kind = column.type
    impl = getattr(kind, "impl", kind)  # TypeDecorators such as UTCDateTime
    if isinstance(impl, DateTime):
        return datetime.fromisoformat(value)
    if isinstance(impl, Date):
        return date.fromisoformat(value)
    if isinstance(impl, Time):
        return time.fromisoformat(value)
    if isinstance(impl, LargeBinary):
        return base64.b64decode(value)
    if isinstance(impl, Numeric) and isinstance(value, str):
        return Decimal(value)
    return value


def dump_rows(table: Table) -> Iterator[bytes]:
    """One JSON line per row, in primary-key order, read in batches."""
    order = list(table.primary_key.columns) or list(table.columns)
    result = db.session.execute(select(table).order_by(*order).execution_options(
        yield_per=BATCH))
    for row in result.mappings():
        yield json.dumps({k: _encode(v) for k, v in row.items()}, sort_keys=True).encode() + b"\n"


def load_rows(table: Table, lines: Iterator[bytes]) -> int:
    """Insert the rows of `lines` into `table`; returns how many."""
    batch: list[dict[str, Any]] = []
    count = 0
    for line in lines:
        raw = json.loads(line)
        batch.append({c.name: _decode(c, raw.get(c.name)) for c in table.columns
                      if c.name in raw})
        if len(batch) >= BATCH:
            db.session.execute(insert(table), batch)
            count, batch = count + len(batch), []
    if batch:
        db.session.execute(insert(table), batch)
        count += len(batch)
    return count


def row_count(table: Table) -> int:
    return db.session.scalar(select(func.count()).select_from(table)) or 0


def reset_sequences() -> None:
    """PostgreSQL: move each serial id's sequence past the restored rows."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in tables():
        for column in table.primary_key.columns:
            if isinstance(column.type, Integer) and column.autoincrement in (True, "auto"):
                # names come from our own table metadata, never from input
                db.session.execute(text(
                    "SELECT setval(pg_get_serial_sequence(:t, :c), "  # noqa: S608
                    f'COALESCE((SELECT MAX("{column.name}") FROM "{table.name}"), 0) + 1, false)'
                ), {"t": table.name, "c": column.name})
