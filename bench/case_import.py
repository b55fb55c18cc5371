"""Bulk coding throughput: check and import a synthetic CSV of 10,000 cases.

Figures per database: seconds for "Check file" (read, check, hold the file encrypted), seconds
for the import job (read back, check again, seal, code, log, commit), the job's rows per second,
and whether the whole took under the issue's bar of 30 s for 10,000 rows.
`BENCH_ROWS` changes the size; `BENCH_POSTGRES_URL` adds a PostgreSQL run.
"""

from __future__ import annotations

import csv
import io
import os
import random
import tempfile
import time
from datetime import date, timedelta

from sqlalchemy import func, select

from bench._support import app_for as _app
from bench._support import each_database

ROWS = int(os.environ.get("BENCH_ROWS", "10000"))
TEAMS = ("Assessment", "Child protection", "Children in care", "Early help")
ETHNICITIES = ("WBRI", "WIRI", "MWBC", "AIND", "BAFR", "CHNE", "OOTH", "NOBT")
COHORTS = ("early_help", "child_in_need", "child_protection", "child_in_care", "care_leaver")
SEXES = ("female", "male", "not_known")


def _nhs_number(rng: random.Random) -> str:
    while True:
        first = "999" + "".join(rng.choice("0123456789") for _ in range(6))
        check = 11 - sum(int(d) * (10 - i) for i, d in enumerate(first)) % 11
        if check != 10:
            return first + str(0 if check == 11 else check)


def synthetic_csv(rows: int, seed: int = 7) -> bytes:
    """A clean file of made-up children, half its dates ISO and half UK style."""
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(("name", "date_of_birth", "record_id", "nhs_number", "alias", "sex",
                     "ethnicity", "disability", "cohort", "team", "practitioner_email"))
    for n in range(rows):
        born = date(2008, 1, 1) + timedelta(days=rng.randrange(6000))
        shown = born.isoformat() if n % 2 else born.strftime("%d/%m/%Y")
        writer.writerow((f"Child {n} Example", shown, f"CR-{n:07d}", _nhs_number(rng),
                         "" if n % 5 else f"Kid {n}", rng.choice(SEXES), rng.choice(ETHNICITIES),
                         rng.choice(("yes", "no", "")), rng.choice(COHORTS), rng.choice(TEAMS),
                         f"sw{n % 20}@bench.example"))
    return out.getvalue().encode()


def _world():
    """A partnership, an agency with four teams, twenty practitioners."""
    from core.extensions import db
    from core.identity.models import Agency, Membership, Partnership, Team, User

    partnership = Partnership(name="Bench partnership", code_prefix="BN")
    agency = Agency(name="Bench council", type="childrens_services", partnerships=[partnership])
    teams = [Team(agency=agency, name=name) for name in TEAMS]
    db.session.add_all([partnership, agency, *teams])
    for n in range(20):
        person = User(email=f"sw{n}@bench.example", name=f"Worker {n}", password_hash="!")
        db.session.add(Membership(user=person, role="practitioner", agency=agency,
                                  team=teams[n % len(teams)]))
    db.session.commit()
    return partnership, agency


def measure(database_url: str, rows: int = ROWS) -> dict:
    """The page's path on an empty database: check the file and hold it encrypted ("Check
    file"), then the job's work ("Import N cases": read it back, check again, code, commit)."""
    from core.cases.import_runs import hold, run_import
    from core.cases.importer import check_file
    from core.cases.models import Case
    from core.extensions import db

    data = synthetic_csv(rows)
    with tempfile.TemporaryDirectory() as instance:
        app = _app(database_url, instance)
        with app.app_context():
            db.create_all()
            partnership, agency = _world()
            started = time.perf_counter()
            check = check_file(data, partnership, agency)
            if not check.ok:
                raise RuntimeError(f"synthetic file has problems: {check.errors[:3]}")
            held_id = hold(data, partnership, agency, check, None).id
            db.session.commit()
            checked = time.perf_counter()
            status = run_import(held_id).status
            done = time.perf_counter()
            count = db.session.scalar(select(func.count(Case.id)))
            db.session.remove()
            db.engine.dispose()
    return {
        "rows": rows, "imported": count, "status": status,
        "check_seconds": round(checked - started, 2),
        "import_seconds": round(done - checked, 2), "total_seconds": round(done - started, 2),
        "rows_per_second": round(rows / (done - checked)),
        "under_30_seconds": done - started < 30,
    }


def run() -> dict:
    return each_database(measure)
