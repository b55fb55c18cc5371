"""Bulk coding: a CSV of cases checked line by line, then coded in one transaction.

`check_file(data, partnership, agency)` reads and checks a whole file with the same rules as
the case page (`service.clean_identity` / `clean_attributes`) and returns every problem with its
line and column; `write_cases(check, ...)` codes a clean file's cases. The caller commits once,
so a file is imported completely or not at all.

Speed matters (10,000 rows well inside 30 seconds), so names are resolved in a few queries up
front, duplicates are found with one `IN` query on blind indexes per 500 rows, codes are drawn
against an in-memory set of the partnership's codes, and nothing is flushed row by row.

Messages never repeat identity a person typed, except a date of birth that is not a real date
(which cannot be anyone's). They are safe to show to the person who uploaded the file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from core.accesslog.chain import append_many
from core.cases.attributes import age_band
from core.cases.codes import new_code
from core.cases.models import IDENTITY_FIELDS, Case, CaseImportItem
from core.cases.service import (
    DUPLICATE,
    clean_attributes,
    clean_identity,
    london_today,
    parse_date,
    record_id_index,
)
from core.crypto.envelope import binding, current_data_key, encrypt_with
from core.crypto.models import DataKey
from core.csvimport import MAX_BYTES as MAX_BYTES  # the pages and CLI read the limit here
from core.csvimport import LineError, read_table, shown
from core.extensions import db
from core.identity.models import Agency, Membership, Partnership, Team, User
from core.timeutil import utcnow

COLUMNS = ("name", "date_of_birth", "record_id", "nhs_number", "alias", "sex", "ethnicity",
           "disability", "cohort", "team", "practitioner_email")
REQUIRED_COLUMNS = ("name", "date_of_birth", "record_id", "cohort")
COLUMN_OF = {"practitioner": "practitioner_email"}  # CaseInvalid field -> CSV column
MAX_ROWS = 20_000
BATCH = 500

Progress = Callable[[int], None]


@dataclass
class ReadyRow:
    """A line that passed every check: cleaned identity, clear attributes, blind index."""

    line: int
    identity: dict[str, Any]
    attributes: dict[str, Any]
    index: str | None = None


@dataclass
class ImportCheck:
    rows: list[ReadyRow] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


def template_csv() -> str:
    """The header line and one example line (made up), offered for download on the page."""
    return (",".join(COLUMNS) + "\r\n" + "Alex Example,27/03/2012,CR-000123,,,female,WBRI,no,"
            "child_in_need,,\r\n")


# --- Reading ---------------------------------------------------------------------------------


def read_csv(data: bytes) -> tuple[list[tuple[int, dict[str, str]]], list[LineError]]:
    """The file's rows as (line number, {column: text}), or the reasons it cannot be used."""
    return read_table(data, COLUMNS, REQUIRED_COLUMNS, max_rows=MAX_ROWS, noun="cases")


# --- Checking --------------------------------------------------------------------------------


class Lookups:
    """The agency's teams and practitioners, fetched once rather than once per line.

    The objects are kept here so the service's `session.get` calls hit the identity map.
    """

    def __init__(self, agency: Agency, records: list[dict[str, str]]) -> None:
        self.teams = {t.name.lower(): t for t in db.session.scalars(
            select(Team).where(Team.agency_id == agency.id))}
        emails = {r.get("practitioner_email", "").lower() for r in records} - {""}
        self.people: dict[str, User] = {}
        for chunk in _chunked(sorted(emails)):
            query = (select(User).join(Membership, Membership.user_id == User.id)
                     .where(Membership.agency_id == agency.id,
                            func.lower(User.email).in_(chunk))
                     .options(selectinload(User.memberships)))
            self.people.update({u.email.lower(): u for u in db.session.scalars(query)})

    def attributes(self, record: dict[str, str]) -> dict[str, Any]:
        """The row's attributes, with known names already turned into ids."""
        values: dict[str, Any] = {k: record.get(k, "") for k in
                                  ("cohort", "sex", "ethnicity", "disability")}
        team = self.teams.get(record.get("team", "").lower())
        values["team_id" if team else "team"] = team.id if team else record.get("team", "")
        email = record.get("practitioner_email", "")
        person = self.people.get(email.lower())
        values["practitioner_id" if person else "practitioner"] = person.id if person else email
        return values


def _chunked(items: list[Any], size: int = BATCH) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _message(column: str, problem: str, record: dict[str, str]) -> str:
    """The service's message, with the cell shown where that is safe."""
    value = record.get(column, "")
    if column == "date_of_birth" and value and parse_date(value) is None:
        return f"{shown(value)} is not a real date: use YYYY-MM-DD or DD/MM/YYYY"
    if column in IDENTITY_FIELDS or not value:
        return problem
    return f"{problem} (the file has '{shown(value)}')"


def _check_line(line: int, record: dict[str, str], agency: Agency,
                lookups: Lookups) -> tuple[ReadyRow | None, list[LineError]]:
    problems: dict[str, str] = {}
    identity = clean_identity(record, problems)
    attributes = clean_attributes(agency, lookups.attributes(record), problems)
    errors = [LineError(line, COLUMN_OF.get(f, f), _message(COLUMN_OF.get(f, f), p, record))
              for f, p in problems.items()]
    return (None if errors else ReadyRow(line, identity, attributes)), errors


def _existing_indexes(partnership_id: int, indexes: list[str]) -> set[str]:
    found: set[str] = set()
    for chunk in _chunked(indexes):
        found.update(db.session.scalars(select(Case.record_id_index).where(
            Case.partnership_id == partnership_id, Case.record_id_index.in_(chunk))))
    return found


def _duplicates(partnership_id: int, rows: list[ReadyRow]) -> list[LineError]:
    """Record ids given twice in the file, or already registered in the partnership."""
    first_line: dict[str, int] = {}
    errors = []
    for row in rows:
        row.index = record_id_index(partnership_id, row.identity["record_id"])
        if row.index in first_line:
            errors.append(LineError(row.line, "record_id", "The same council case-record id is "
                                    f"on line {first_line[row.index]}: a case can only be "
                                    "in the file once"))
        first_line.setdefault(row.index, row.line)
    taken = _existing_indexes(partnership_id, list(first_line))
    errors += [LineError(r.line, "record_id", DUPLICATE) for r in rows if r.index in taken]
    return errors


def check_records(records: list[tuple[int, dict[str, str]]], partnership: Partnership,
                  agency: Agency) -> ImportCheck:
    """Check every line; nothing is written."""
    if all(a.id != agency.id for a in partnership.agencies):
        return ImportCheck(errors=[LineError(0, None, f"{agency.name} is not part of "
                                                      f"{partnership.name}")])
    check = ImportCheck()
    lookups = Lookups(agency, [r for _, r in records])
    with db.session.no_autoflush:
        for line, record in records:
            row, errors = _check_line(line, record, agency, lookups)
            check.errors += errors
            if row is not None:
                check.rows.append(row)
        check.errors += _duplicates(partnership.id, check.rows)
    check.errors.sort(key=lambda e: (e.line, COLUMNS.index(e.column) if e.column in COLUMNS
                                     else len(COLUMNS)))
    return check


def check_file(data: bytes, partnership: Partnership, agency: Agency) -> ImportCheck:
    """Read and check a whole file (a dry run): every problem, or the rows ready to code."""
    records, errors = read_csv(data)
    if errors:
        return ImportCheck(errors=errors)
    return check_records(records, partnership, agency)


# --- Writing ---------------------------------------------------------------------------------


class CodeBook:
    """Fresh case codes, checked against every code of the partnership loaded once."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.used = set(db.session.scalars(select(Case.code).where(
            Case.code.startswith(f"{prefix}-", autoescape=True))))

    def new(self) -> str:
        while True:
            code = new_code(self.prefix)
            if code not in self.used:
                self.used.add(code)
                return code


def _seal(case: Case, key: DataKey, name: str, value: Any) -> None:
    """`Case.seal` under a data key looked up once for the whole file."""
    text = value.isoformat() if isinstance(value, date) else value
    token = None if text in (None, "") else encrypt_with(
        key, binding(Case.__tablename__, name, case.id), text)
    setattr(case, f"{name}_enc", token)


def _new_case(row: ReadyRow, agency: Agency, code: str, key: DataKey, by_id: int | None,
              now: Any, today: date) -> Case:
    case = Case(code=code, partnership_id=key.partnership_id, agency_id=agency.id,
                record_id_index=row.index, created_by_id=by_id, created_at=now,
                age_band=age_band(row.identity["date_of_birth"], today), **row.attributes)
    for name, value in row.identity.items():
        _seal(case, key, name, value)
    return case


def write_cases(check: ImportCheck, partnership: Partnership, agency: Agency, by: User | None,
                import_id: str | None = None, progress: Progress | None = None) -> list[Case]:
    """Code every row of a clean check and log each `case_coded`. Does not commit.

    `progress` is told the percentage done now and then (sealing is most of the work).
    """
    if not check.ok:
        raise ValueError("Only a file with no problems can be imported.")
    codes, now, today = CodeBook(partnership.code_prefix), utcnow(), london_today()
    key, by_id = current_data_key(partnership.id), getattr(by, "id", None)
    cases = []
    with db.session.no_autoflush:
        for number, row in enumerate(check.rows, start=1):
            cases.append(_new_case(row, agency, codes.new(), key, by_id, now, today))
            if progress and number % BATCH == 0:
                progress(int(80 * number / len(check.rows)))
    db.session.add_all(cases)
    db.session.flush()
    _log(cases, agency, by, import_id)
    if progress:
        progress(95)
    return cases


def _log(cases: list[Case], agency: Agency, by: User | None, import_id: str | None) -> None:
    source = f"; import {import_id}" if import_id else "; import"
    append_many([{"action": "case_coded", "object_type": "case", "object_code": c.code,
                  "partnership_id": c.partnership_id, "detail": f"agency {agency.id}{source}"}
                 for c in cases], user=by)
    if import_id:
        db.session.add_all([CaseImportItem(import_id=import_id, case_id=c.id) for c in cases])
        db.session.flush()
