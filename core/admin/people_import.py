"""Bulk import of people from CSV, shared by the admin page and `flask users import`.

`check_file(data, actor)` reads and checks a whole file and returns every problem with its
line and column; `import_people(check)` writes a clean file's people. The caller commits once,
so a file is imported completely or not at all. Agencies, teams and partnerships are matched by
exact name; the importing administrator must reach each of them (`actor=None` is a script,
which reaches everything). Cell contents are echoed at most 60 characters long.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask import current_app
from sqlalchemy import func, select

from core.admin import accounts
from core.admin.accounts import RoleGrant
from core.admin.reach import agencies_reached, people_reached
from core.extensions import db
from core.identity.models import Agency, Partnership, Team, User
from core.timeutil import to_london, utcnow

COLUMNS = ("name", "email", "agency", "team", "role", "partnership", "line_manager_email",
           "expires_on")
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 10_000
SHOWN = 60
CHUNK = 500
GRANT_COLUMNS = {"line_manager": "line_manager_email"}


@dataclass(frozen=True)
class LineError:
    line: int
    column: str | None
    message: str

    def __str__(self) -> str:
        if not self.line:
            return self.message
        where = f"Line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass
class PersonRow:
    line: int
    name: str
    email: str
    grant: RoleGrant
    line_manager_email: str | None = None
    expires_on: date | None = None


@dataclass
class ImportCheck:
    rows: list[PersonRow] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


def shown(text: str) -> str:
    """A cell as it may appear in a message: never more than 60 characters."""
    return text if len(text) <= SHOWN else text[: SHOWN - 1] + "…"


# --- reading ---------------------------------------------------------------------------------


def read_csv(data: bytes) -> tuple[list[tuple[int, dict[str, str]]], list[LineError]]:
    """The file's rows as (line number, {column: stripped text}), or the reasons it is unusable."""
    if len(data) > MAX_BYTES:
        return [], [LineError(0, None, "The file is larger than 2 MB. Split it into smaller "
                                       "files of no more than 10,000 people each.")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [LineError(0, None, "The file is not UTF-8 text. In your spreadsheet, save "
                                       "it as 'CSV UTF-8 (comma delimited)'.")]
    try:
        return _parse(text)
    except csv.Error as exc:
        return [], [LineError(0, None, f"The file could not be read as CSV: {shown(str(exc))}")]


def _parse(text: str) -> tuple[list[tuple[int, dict[str, str]]], list[LineError]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip().lower() for h in next(reader, [])]
    errors = _header_errors(header)
    if errors:
        return [], errors
    rows: list[tuple[int, dict[str, str]]] = []
    for line, cells in _records(reader):
        if len(rows) == MAX_ROWS:
            return [], [LineError(line, None, f"The file has more than {MAX_ROWS:,} people. "
                                              "Split it into smaller files.")]
        if len(cells) > len(header):
            errors.append(LineError(line, None, f"The line has {len(cells)} cells but the "
                                                f"first line names {len(header)} columns"))
        rows.append((line, {h: (cells[i].strip() if i < len(cells) else "")
                            for i, h in enumerate(header)}))
    if not rows and not errors:
        errors.append(LineError(2, None, "The file has no people in it"))
    return rows, errors


def _records(reader: Any) -> Iterator[tuple[int, list[str]]]:
    """Non-blank records with the line each starts on (a quoted cell may span lines)."""
    start = reader.line_num + 1
    for cells in reader:
        if any(c.strip() for c in cells):
            yield start, cells
        start = reader.line_num + 1


def _header_errors(header: list[str]) -> list[LineError]:
    expected = ",".join(COLUMNS)
    if not header:
        return [LineError(1, None, f"The file is empty. The first line must be: {expected}")]
    errors = [LineError(1, None, f"Column '{shown(h)}' is not one we know. The first line "
                                 f"must be: {expected}") for h in header if h not in COLUMNS]
    errors += [LineError(1, None, f"The column '{c}' is missing. The first line must be: "
                                  f"{expected}") for c in COLUMNS if c not in header]
    if len(set(header)) != len(header):
        errors.append(LineError(1, None, "A column is named twice"))
    return errors


# --- checking --------------------------------------------------------------------------------


class Lookups:
    """Everything the rows name, fetched in a few queries rather than one per row."""

    def __init__(self, records: list[dict[str, str]], actor: Any) -> None:
        self.actor = actor
        self.agencies = self._agencies({r["agency"] for r in records if r["agency"]})
        self.teams = self._teams(self.agencies.values())
        self.partnerships = _by_name(Partnership, {r["partnership"] for r in records})
        self.existing = self._existing({r["email"].lower() for r in records if r["email"]})
        self.managers = self._managers(
            {r["line_manager_email"].lower() for r in records if r["line_manager_email"]})

    def _agencies(self, names: set[str]) -> dict[str, Agency]:
        """Only agencies the importer reaches: the others look the same as missing ones."""
        found: dict[str, Agency] = {}
        reached = agencies_reached(self.actor, accounts.MANAGE)
        for chunk in _chunks(sorted(names)):
            found |= {a.name: a for a in db.session.scalars(reached.where(Agency.name.in_(chunk)))}
        return found

    @staticmethod
    def _teams(agencies: Iterable[Agency]) -> dict[tuple[int, str], Team]:
        return {(a.id, t.name): t for a in agencies for t in a.teams}

    @staticmethod
    def _existing(emails: set[str]) -> set[str]:
        taken: set[str] = set()
        for chunk in _chunks(sorted(emails)):
            taken |= set(db.session.scalars(
                select(func.lower(User.email)).where(func.lower(User.email).in_(chunk))))
        return taken

    def _managers(self, emails: set[str]) -> dict[str, User]:
        found: dict[str, User] = {}
        visible = people_reached(self.actor, "admin.people.view")
        for chunk in _chunks(sorted(emails)):
            query = visible.where(func.lower(User.email).in_(chunk))
            found |= {u.email.lower(): u for u in db.session.scalars(query)}
        return found


def _chunks(items: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(items), CHUNK):
        yield items[start:start + CHUNK]


def _by_name(model: type, names: set[str]) -> dict[str, Any]:
    names.discard("")
    found: dict[str, Any] = {}
    for chunk in _chunks(sorted(names)):
        found |= {o.name: o for o in db.session.scalars(select(model).where(model.name.in_(chunk)))}
    return found


def check_file(data: bytes, actor: Any) -> ImportCheck:
    """Read and check a whole file; `rows` are only worth importing when `ok` is true."""
    records, errors = read_csv(data)
    if errors:
        return ImportCheck([], errors)
    lookups = Lookups([r for _, r in records], actor)
    check = ImportCheck()
    first_line: dict[str, int] = {}
    for line, record in records:
        row, row_errors = check_record(line, record, lookups)
        row_errors += _duplicate_errors(row, first_line)
        check.errors += row_errors
        if row is not None:
            check.rows.append(row)
    check.errors += _cross_row_errors(check.rows, lookups)
    check.errors.sort(key=lambda e: (e.line, COLUMNS.index(e.column) if e.column else -1))
    return check


def check_record(line: int, record: dict[str, str], lookups: Lookups
                 ) -> tuple[PersonRow | None, list[LineError]]:
    """One row's own problems (those that need the other rows are checked afterwards)."""
    problems: dict[str, str] = {}
    name = record["name"]
    if not name:
        problems["name"] = "Enter the person's full name"
    elif len(name) > 200:
        problems["name"] = "The name must be 200 characters or fewer"
    elif not name.isprintable():
        problems["name"] = "The name must be one line of plain text"
    email = _email(record["email"], problems)
    manager_email = record["line_manager_email"].lower()
    expires_on = _end_date(record["expires_on"], problems)
    grant = _grant(record, lookups, problems)
    errors = [LineError(line, column, message) for column, message in problems.items()]
    row = PersonRow(line, name, email, grant, manager_email, expires_on) if email else None
    return row, errors


def _email(text: str, problems: dict[str, str]) -> str:
    try:
        return accounts.normalise_email(text)
    except ValueError as exc:
        problems["email"] = f"'{shown(text)}': {exc}" if text else str(exc)
        return ""


def _end_date(text: str, problems: dict[str, str]) -> date | None:
    if not text:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            day = datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        if day < to_london(utcnow()).date():
            problems["expires_on"] = f"'{shown(text)}' is in the past"
        return day
    problems["expires_on"] = f"'{shown(text)}' is not a date. Use 2027-03-31 or 31/03/2027"
    return None


def _grant(record: dict[str, str], lookups: Lookups, problems: dict[str, str]) -> RoleGrant:
    grant = RoleGrant(role=record["role"].strip().lower())
    if not grant.role:
        problems["role"] = f"Enter a role. Use one of: {accounts.role_list()}"
        return grant
    _resolve_places(record, lookups, grant, problems)
    if not problems.keys() & {"agency", "team", "partnership"}:
        for where, message in accounts.grant_problems(lookups.actor, grant).items():
            problems.setdefault(GRANT_COLUMNS.get(where, where), message)
    return grant


def _resolve_places(record: dict[str, str], lookups: Lookups, grant: RoleGrant,
                    problems: dict[str, str]) -> None:
    agency_name, team_name, partnership_name = (
        record["agency"], record["team"], record["partnership"])
    if agency_name:
        grant.agency = lookups.agencies.get(agency_name)
        if grant.agency is None:
            problems["agency"] = f"No agency called '{shown(agency_name)}' that you manage"
    if team_name and grant.agency is not None:
        grant.team = lookups.teams.get((grant.agency.id, team_name))
        if grant.team is None:
            problems["team"] = f"'{shown(team_name)}' is not a team of {grant.agency.name}"
    elif team_name and not agency_name:
        problems["team"] = "Give the agency of the team in the agency column"
    if partnership_name:
        grant.partnership = lookups.partnerships.get(partnership_name)
        if grant.partnership is None:
            problems["partnership"] = f"No partnership called '{shown(partnership_name)}'"


def _duplicate_errors(row: PersonRow | None, first_line: dict[str, int]) -> list[LineError]:
    if row is None or not row.email:
        return []
    if row.email in first_line:
        return [LineError(row.line, "email", f"'{shown(row.email)}' is also on line "
                                             f"{first_line[row.email]}")]
    first_line[row.email] = row.line
    return []


def _cross_row_errors(rows: list[PersonRow], lookups: Lookups) -> list[LineError]:
    """Emails already registered, and line managers neither in the file nor visible."""
    errors = []
    in_file = {r.email for r in rows}
    for row in rows:
        if row.email in lookups.existing:
            errors.append(LineError(row.line, "email", f"A person with the email address "
                                                       f"'{shown(row.email)}' already exists"))
        wanted = row.line_manager_email
        if not wanted:
            continue
        if wanted == row.email:
            errors.append(LineError(row.line, "line_manager_email",
                                    "A person cannot be their own line manager"))
        elif wanted not in in_file and wanted not in lookups.managers:
            errors.append(LineError(row.line, "line_manager_email",
                                    f"No person with the email address '{shown(wanted)}' in "
                                    "this file or among the people you can see"))
    return errors


# --- writing ---------------------------------------------------------------------------------


def import_people(check: ImportCheck) -> list[User]:
    """Add every person of a clean check to the session; the caller commits (or rolls back)."""
    if not check.ok:
        raise ValueError("Only a file without errors can be imported")
    managers = _existing_managers(check.rows)
    created = []
    for row in check.rows:
        expires_at = accounts.end_of_day(row.expires_on) if row.expires_on else None
        user = accounts.create_person(row.name, row.email, row.grant, expires_at=expires_at,
                                      announce=False)
        managers[row.email] = user
        created.append(user)
    for row, user in zip(check.rows, created, strict=True):
        if row.line_manager_email:
            user.memberships[0].line_manager = managers[row.line_manager_email]
    db.session.flush()
    for user in created:
        current_app.extensions["plugins"].fire("qa_on_user_created", user=user)
    return created


def _existing_managers(rows: list[PersonRow]) -> dict[str, User]:
    emails = sorted({r.line_manager_email for r in rows if r.line_manager_email})
    found: dict[str, User] = {}
    for chunk in _chunks(emails):
        query = select(User).where(func.lower(User.email).in_(chunk))
        found |= {u.email.lower(): u for u in db.session.scalars(query)}
    return found
