"""Importing referrals from a CSV file: every line checked, then all recorded or none.

The file is read by core's CSV reader (same rules and messages as the case import) and every
line is checked with the same rules as the referral page. Any problem, on any line, means
nothing is recorded; the page lists each problem with its line and column. The adult's role,
employer and identifier are never repeated in a message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from core.toolkit import LineError, Partnership, User, read_table
from plugins.lado import referrals
from plugins.lado.models import LadoReferral

COLUMNS = referrals.FIELDS
REQUIRED = ("referral_date", "sector", "adult_role", "employer", "category")
MAX_ROWS = 5_000
SHOWN = 60


@dataclass
class Check:
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


def template_csv() -> str:
    """The header and one made-up line, offered for download."""
    example = {"referral_date": "02/03/2026", "sector": "education",
               "adult_role": "Teaching assistant", "employer": "Example Primary School",
               "category": "harm", "decision": "met", "decision_date": "03/03/2026"}
    return ",".join(COLUMNS) + "\r\n" + ",".join(example.get(c, "") for c in COLUMNS) + "\r\n"


def _message(column: str, problem: str, record: dict[str, str]) -> str:
    value = record.get(column, "")
    if column in (*referrals.SEALED_INPUTS, "children") or not value:
        return problem
    shown = value if len(value) <= SHOWN else value[: SHOWN - 1] + "…"
    return f"{problem} (the file has '{shown}')"


def check_file(data: bytes, partnership: Partnership, today: date) -> Check:
    """Read and check every line (nothing is written)."""
    records, errors = read_table(data, COLUMNS, REQUIRED, max_rows=MAX_ROWS, noun="referrals")
    check = Check(errors=list(errors))
    if errors:
        return check
    for line, record in records:
        cleaned, problems = referrals.clean(partnership, record, today)
        check.errors += [LineError(line, name, _message(name, text, record))
                         for name, text in problems.items()]
        if not problems:
            check.rows.append((line, cleaned))
    check.errors.sort(key=lambda e: (e.line, COLUMNS.index(e.column)
                                     if e.column in COLUMNS else len(COLUMNS)))
    return check


def import_rows(check: Check, partnership: Partnership, by: User) -> list[LadoReferral]:
    """Record every line of a clean check (the caller commits once)."""
    if not check.ok:
        raise ValueError("Only a file with no problems can be imported.")
    return [referrals.write(partnership, cleaned, by, source=f"import line {line}")
            for line, cleaned in check.rows]
