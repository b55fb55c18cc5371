"""Report build time over 100,000 audits x 10 domains, next to the bare SQL on the same data.

Seeded synthetically with bulk inserts: 100,000 coded cases and their allocations, and for each
audit 10 domain grades and an overall grade at file review (1.1 million grade rows), a third of
the audits moderated, and 5,000 actions, all in one partnership over one financial year.

Figures per database, in seconds (best of `BENCH_REPEAT` runs after one warm-up):
- `report_s`: `build_report` for the whole partnership and year: every core section
  (completion, grade mix, stages, moderation, actions) and themes, as the report page builds it
  (`each_section_s` times core's sections one by one; `report_with_every_plugin_s` adds every
  installed plugin's sections, which find no data of their own here).
- `grade_mix_s`: the grade-mix section alone.
- `bare_group_by_s`: the grade-mix aggregate as hand-written SQL (stage x domain x grade counts
  over the partnership's year), with no ORM, no other section and no Python work.
- `ratio`: report_s / bare_group_by_s. Targets: report <= 0.5 s and <= 2x the bare query.
`BENCH_AUDITS` changes the number of audits.
"""

from __future__ import annotations

import os
import random
import tempfile
import time
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import bindparam, insert, text

from bench._support import app_for, each_database
from core.timeutil import UTCDateTime
from core.tools.models import GRADE_STAGES

AUDITS = int(os.environ.get("BENCH_AUDITS", "100000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
DOMAINS = tuple(f"D{n:02d}" for n in range(1, 11))
GRADES = ("outstanding", "good", "requires_improvement", "inadequate")
WEIGHTS = (1, 5, 3, 1)
YEAR = (date(2025, 4, 1), date(2026, 3, 31))
BATCH = 20_000
STAGES = ", ".join(f"'{stage}'" for stage in GRADE_STAGES)
BARE = text(f"""
    SELECT stage, domain_code, grade, count(*) FROM grade_record
    WHERE partnership_id = :p AND stage IN ({STAGES})
      AND recorded_at >= :start AND recorded_at < :end
    GROUP BY stage, domain_code, grade
""").bindparams(bindparam("start", type_=UTCDateTime), bindparam("end", type_=UTCDateTime))


def _world():
    from core.extensions import db
    from core.identity.models import Agency, Membership, Partnership, Team, User

    partnership = Partnership(name="Bench partnership", code_prefix="BN")
    agency = Agency(name="Bench council", type="childrens_services", partnerships=[partnership])
    teams = [Team(agency=agency, name=f"Team {n}") for n in range(4)]
    coordinator = User(email="coordinator@bench.example", name="Bench Coordinator",
                       password_hash="!")
    db.session.add_all([partnership, agency, *teams, coordinator,
                        Membership(user=coordinator, role="partnership_coordinator",
                                   partnership=partnership)])
    db.session.commit()
    return partnership, agency, teams, coordinator


def _moment(rng: random.Random) -> datetime:
    start = datetime(2025, 4, 1, tzinfo=UTC)
    return start + timedelta(minutes=rng.randrange(364 * 24 * 60))


def _bulk(model, rows: list[dict]) -> None:
    """Insert many rows: COPY on PostgreSQL (seeding, not the thing measured), else batches.
    Rows carry every NOT NULL column themselves, since COPY applies no Python defaults."""
    from core.extensions import db

    if db.engine.dialect.name == "postgresql":
        _copy(model.__table__.name, rows)
    else:
        for first in range(0, len(rows), BATCH):
            db.session.execute(insert(model), rows[first:first + BATCH])
    db.session.commit()


def _copy(table: str, rows: list[dict]) -> None:
    from core.extensions import db

    columns = list(rows[0])
    raw = db.session.connection().connection.dbapi_connection
    with raw.cursor() as cursor, cursor.copy(
            f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[c] for c in columns])


def _seed_cases(partnership, agency, teams, user, rng) -> list[tuple[str, int, datetime]]:
    from core.cases.models import Case, CaseAssignment

    cases, assignments, placed = [], [], []
    for n in range(AUDITS):
        team, opened = teams[n % len(teams)].id, _moment(rng)
        case_id = f"{n:032x}"
        cases.append({"id": case_id, "code": f"BN-{n:07d}", "partnership_id": partnership.id,
                      "agency_id": agency.id, "team_id": team, "created_at": opened,
                      "legal_hold": False})
        closed = opened + timedelta(days=20) if rng.random() < 0.8 else None
        assignments.append({"case_id": case_id, "user_id": user.id, "activity": "core",
                            "reference": f"AU-{n:07d}", "opened_at": opened,
                            "closed_at": closed})
        placed.append((str(n), team, opened))
    _bulk(Case, cases)
    _bulk(CaseAssignment, assignments)
    return placed


def _grade_rows(partnership, agency, placed, rng) -> list[dict]:
    rows = []
    for subject, team, opened in placed:
        at = opened + timedelta(days=10)
        base = {"subject_type": "bench.audit", "subject_id": subject, "partnership_id":
                partnership.id, "agency_id": agency.id, "team_id": team,
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


def _seed_actions(partnership, agency, rng, count: int = 5000) -> None:
    from core.actions.models import Action

    rows = []
    for n in range(count):
        created = _moment(rng)
        rows.append({"partnership_id": partnership.id, "what": f"Action {n}", "why": "Audit",
                     "owner_agency_id": agency.id, "due_date": (created + timedelta(days=28))
                     .date(), "status": rng.choice(("open", "signed_off", "in_progress")),
                     "created_at": created, "updated_at": created, "version": 1,
                     "priority": "normal", "source_activity": "core"})
    _bulk(Action, rows)


def _seed(rng: random.Random):
    from core.tools.models import GradeRecord

    partnership, agency, teams, coordinator = _world()
    placed = _seed_cases(partnership, agency, teams, coordinator, rng)
    _bulk(GradeRecord, _grade_rows(partnership, agency, placed, rng))
    _seed_actions(partnership, agency, rng)
    _analyse()
    return partnership.id, coordinator.id


def _analyse() -> None:
    """Fresh statistics (and on PostgreSQL a visibility map, for index-only scans), as
    autovacuum would have made by the time anyone reads a report of a year's audits."""
    from core.extensions import db

    command = "VACUUM ANALYZE" if db.engine.dialect.name == "postgresql" else "ANALYZE"
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(command))


def _core_sections() -> dict:
    from core.reports.actions_section import actions_section
    from core.reports.completion import completion_section
    from core.reports.grades import grade_sections
    from core.reports.moderation import moderation_section

    return {"completion": completion_section, "grades": grade_sections,
            "moderation": moderation_section, "actions": actions_section}


def _best(action, repeat: int = REPEAT) -> float:
    action()  # warm-up: caches, statement compilation
    spent = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        spent.append(time.perf_counter() - started)
    return round(min(spent), 3)


def measure(database_url: str) -> dict:
    from core.extensions import db
    from core.reports.grades import grade_sections

    with tempfile.TemporaryDirectory() as instance:
        app = app_for(database_url, instance, ENABLED_PLUGINS=[])  # core's sections only
        with app.app_context(), app.test_request_context():
            db.create_all()
            seeded_at = time.perf_counter()
            partnership_id, user_id = _seed(random.Random(11))
            seed_s = round(time.perf_counter() - seeded_at, 1)
            context = _context(partnership_id, user_id)
            bounds = {"p": partnership_id, "start": context.starts_at,
                      "end": context.ends_before}
            report_s = _best(lambda: _build(context))
            mix_s = _best(lambda: grade_sections(context))
            bare_s = _best(lambda: db.session.execute(BARE, bounds).all())
            sections = {name: _best(lambda f=f: f(context), repeat=1)
                        for name, f in _core_sections().items()}
            db.session.remove()
            db.engine.dispose()
        with_plugins = _with_every_plugin(database_url, instance, partnership_id, user_id)
    return {"audits": AUDITS, "grade_rows": AUDITS * (len(DOMAINS) + 1), "seed_s": seed_s,
            "report_s": report_s, "grade_mix_s": mix_s, "bare_group_by_s": bare_s,
            "ratio": round(report_s / bare_s, 2) if bare_s else None,
            "each_section_s": sections, "report_with_every_plugin_s": with_plugins,
            "targets": "report_s <= 0.5 and ratio <= 2"}


def _context(partnership_id: int, user_id: int):
    from core.extensions import db
    from core.identity.models import Partnership, User
    from core.reports.sections import ReportContext

    return ReportContext(db.session.get(Partnership, partnership_id), *YEAR, "annual",
                         user=db.session.get(User, user_id))


def _build(context) -> None:
    from core.reports.compose import build_report

    build_report(context)


def _with_every_plugin(database_url: str, instance: str, partnership_id: int,
                       user_id: int) -> float:
    """The same report with every installed plugin's sections too (they find none of their
    own data here, so this is their fixed cost)."""
    from core.extensions import db

    app = app_for(database_url, instance)
    with app.app_context(), app.test_request_context():
        db.create_all()  # the plugins' own (empty) tables
        context = _context(partnership_id, user_id)
        spent = _best(lambda: _build(context))
        db.session.remove()
        db.engine.dispose()
    return spent


def run() -> dict:
    return each_database(measure)


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))
