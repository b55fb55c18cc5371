"""`flask seed-synthetic`: volumes of made-up audit data for benchmarks and load tests.

One partnership ("Synthetic partnership", case codes `SY-`), one council in it with four teams
and a coordinator who cannot sign in; N coded cases (no identity is stored for them, so nothing
here can ever be revealed), each audited once over the financial year 2025-26 with ten domain
grades and an overall grade at file review, a third moderated, and M actions. Rows are written
in bulk (COPY on PostgreSQL) because seeding is the set-up, not the thing measured; randomness
is seeded, so two runs with the same seed make the same data.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import click
from flask.cli import with_appcontext
from sqlalchemy import insert, select, text

from core.extensions import db

PARTNERSHIP = "Synthetic partnership"
PREFIX = "SY"
DOMAINS = tuple(f"D{n:02d}" for n in range(1, 11))
GRADES = ("outstanding", "good", "requires_improvement", "inadequate")
WEIGHTS = (1, 5, 3, 1)
YEAR = (date(2025, 4, 1), date(2026, 3, 31))
BATCH = 20_000


@dataclass(frozen=True)
class Seeded:
    """What was made, so a benchmark can ask for the report of it."""

    partnership_id: int
    agency_id: int
    coordinator_id: int
    audits: int
    grade_rows: int
    actions: int


def seed_synthetic(audits: int, actions: int, seed: int = 11) -> Seeded:
    """Make the synthetic partnership and its data; refuse if it is already there."""
    from core.identity.models import Partnership
    from core.tools.models import GradeRecord

    if db.session.scalar(select(Partnership.id).where(Partnership.name == PARTNERSHIP)):
        raise click.UsageError(f"'{PARTNERSHIP}' already exists: seed a fresh database.")
    rng = random.Random(seed)  # noqa: S311 - reproducible made-up data, not a secret
    partnership, agency, teams, coordinator = _world()
    placed = _seed_cases(partnership, agency, teams, coordinator, rng, audits)
    grades = _grade_rows(partnership, agency, placed, rng)
    _bulk(GradeRecord, grades)
    _seed_actions(partnership, agency, rng, actions)
    analyse()
    return Seeded(partnership.id, agency.id, coordinator.id, audits, len(grades), actions)


def _world() -> tuple[Any, Any, list[Any], Any]:
    from core.identity.models import Agency, Membership, Partnership, Team, User

    partnership = Partnership(name=PARTNERSHIP, code_prefix=PREFIX)
    agency = Agency(name="Synthetic council", type="childrens_services",
                    partnerships=[partnership])
    teams = [Team(agency=agency, name=f"Team {n}") for n in range(4)]
    coordinator = User(email="coordinator@synthetic.example", name="Synthetic Coordinator",
                       password_hash="!")  # noqa: S106 - "!" matches no password: no sign-in
    db.session.add_all([partnership, agency, *teams, coordinator,
                        Membership(user=coordinator, role="partnership_coordinator",
                                   partnership=partnership)])
    db.session.commit()
    return partnership, agency, teams, coordinator


def _moment(rng: random.Random) -> datetime:
    start = datetime(2025, 4, 1, tzinfo=UTC)
    return start + timedelta(minutes=rng.randrange(364 * 24 * 60))


def _bulk(model: Any, rows: list[dict]) -> None:
    """Insert many rows: COPY on PostgreSQL, batches elsewhere. Rows carry every NOT NULL
    column themselves, since COPY applies no Python defaults."""
    if not rows:
        return
    table = model.__table__
    if db.engine.dialect.name == "postgresql":
        _copy(table.name, rows)
    else:
        for first in range(0, len(rows), BATCH):
            db.session.execute(insert(table), rows[first:first + BATCH])
    db.session.commit()


def _copy(table_name: str, rows: list[dict]) -> None:
    columns = list(rows[0])
    raw = db.session.connection().connection.dbapi_connection
    # table and column names come from our own metadata, never from input
    statement = f"COPY {table_name} ({', '.join(columns)}) FROM STDIN"
    with raw.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([row[c] for c in columns])


def _seed_cases(partnership, agency, teams, user, rng: random.Random,
                count: int) -> list[tuple[str, int, datetime]]:
    from core.cases.models import Case, CaseAssignment

    cases, assignments, placed = [], [], []
    for n in range(count):
        team, opened = teams[n % len(teams)].id, _moment(rng)
        case_id = f"{n:032x}"
        cases.append({"id": case_id, "code": f"{PREFIX}-{n:07d}",
                      "partnership_id": partnership.id, "agency_id": agency.id,
                      "team_id": team, "created_at": opened, "legal_hold": False})
        closed = opened + timedelta(days=20) if rng.random() < 0.8 else None
        assignments.append({"case_id": case_id, "user_id": user.id, "activity": "core",
                            "reference": f"AU-{n:07d}", "opened_at": opened,
                            "closed_at": closed})
        placed.append((str(n), team, opened))
    _bulk(Case, cases)
    _bulk(CaseAssignment, assignments)
    return placed


def _grade_rows(partnership, agency, placed, rng: random.Random) -> list[dict]:
    rows = []
    for subject, team, opened in placed:
        at = opened + timedelta(days=10)
        base = {"subject_type": "synthetic.audit", "subject_id": subject,
                "partnership_id": partnership.id, "agency_id": agency.id, "team_id": team,
                "compared_grade": None}
        for domain in (*DOMAINS, None):
            rows.append({**base, "stage": "file_review", "domain_code": domain,
                         "grade": rng.choices(GRADES, WEIGHTS)[0], "recorded_at": at})
        if rng.random() < 1 / 3:  # as record_grade writes it: with the grade it compared with
            rows.append({**base, "stage": "moderation", "domain_code": None,
                         "grade": rng.choices(GRADES, WEIGHTS)[0],
                         "compared_grade": rows[-1]["grade"],
                         "recorded_at": at + timedelta(days=5)})
    return rows


def _seed_actions(partnership, agency, rng: random.Random, count: int) -> None:
    from core.actions.models import Action

    rows = []
    for n in range(count):
        created = _moment(rng)
        rows.append({"partnership_id": partnership.id, "what": f"Action {n}", "why": "Audit",
                     "owner_agency_id": agency.id,
                     "due_date": (created + timedelta(days=28)).date(),
                     "status": rng.choice(("open", "signed_off", "in_progress")),
                     "created_at": created, "updated_at": created, "version": 1,
                     "priority": "normal", "source_activity": "core"})
    _bulk(Action, rows)


def analyse() -> None:
    """Fresh statistics (and on PostgreSQL a visibility map, for index-only scans), as
    autovacuum would have made by the time anyone reads a report of a year's audits."""
    command = "VACUUM ANALYZE" if db.engine.dialect.name == "postgresql" else "ANALYZE"
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(command))


@click.command("seed-synthetic")
@click.option("--audits", default=100_000, show_default=True, type=click.IntRange(1),
              help="Coded cases, each audited once with ten domain grades.")
@click.option("--actions", default=5_000, show_default=True, type=click.IntRange(0),
              help="Actions in the partnership's plan.")
@click.option("--seed", default=11, show_default=True, help="Random seed (same seed, same data).")
@with_appcontext
def seed_synthetic_command(audits: int, actions: int, seed: int) -> None:
    """Seed a synthetic partnership with made-up audits for benchmarks (no identities)."""
    made = seed_synthetic(audits, actions, seed)
    click.echo(f"Seeded '{PARTNERSHIP}': {made.audits} audits, {made.grade_rows} grades, "
               f"{made.actions} actions.")
