"""Reveal latency: a coordinator reveals coded cases one after another.

Each reveal is the service path behind the "Reveal identity" button: the permission check,
decrypting every identity field, the Reveal row, the hash-chained access-log entry and the
commit. "view" is the case page re-reading a live reveal (decrypt and log `identity_viewed`).
Figures are milliseconds per reveal: median, 95th percentile and worst. `BENCH_REVEALS`
changes how many.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from datetime import date, timedelta

from bench._support import app_for, each_database

REVEALS = int(os.environ.get("BENCH_REVEALS", "300"))


def _world():
    from core.extensions import db
    from core.identity.models import Agency, Membership, Partnership, User

    partnership = Partnership(name="Bench partnership", code_prefix="BN")
    agency = Agency(name="Bench council", type="childrens_services", partnerships=[partnership])
    coordinator = User(email="coordinator@bench.example", name="Bench Coordinator",
                       password_hash="!")
    db.session.add_all([partnership, agency, coordinator,
                        Membership(user=coordinator, role="partnership_coordinator",
                                   partnership=partnership)])
    db.session.commit()
    return partnership, agency, coordinator


def _cases(partnership, agency, count: int) -> list:
    from core.cases.service import register_case
    from core.extensions import db

    cases = []
    for n in range(count):
        identity = {"name": f"Child {n} Example", "record_id": f"CR-{n:07d}",
                    "date_of_birth": date(2010, 1, 1) + timedelta(days=n)}
        cases.append(register_case(partnership, agency, identity,
                                   {"cohort": "child_in_need"}, None))
    db.session.commit()
    return cases


def _timed(action, items) -> list[float]:
    spent = []
    for item in items:
        started = time.perf_counter()
        action(item)
        spent.append((time.perf_counter() - started) * 1000)
    return spent


def _summary(spent: list[float]) -> dict:
    ordered = sorted(spent)
    return {"median_ms": round(statistics.median(ordered), 2),
            "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1], 2),
            "max_ms": round(ordered[-1], 2)}


def measure(database_url: str, count: int = REVEALS) -> dict:
    from core.cases.reveal import reveal, shown_identity
    from core.extensions import db

    with tempfile.TemporaryDirectory() as instance:
        app = app_for(database_url, instance)
        with app.app_context():
            db.create_all()
            partnership, agency, coordinator = _world()
            cases = _cases(partnership, agency, count)

            def reveal_one(case) -> None:
                reveal(case, coordinator, "auditing")
                db.session.commit()

            def view_one(case) -> None:
                if shown_identity(case, coordinator)[0] is None:
                    raise RuntimeError("a fresh reveal did not show")
                db.session.commit()

            revealed = _timed(reveal_one, cases)
            viewed = _timed(view_one, cases)
            db.session.remove()
            db.engine.dispose()
    return {"reveals": count, "reveal": _summary(revealed), "view": _summary(viewed)}


def run() -> dict:
    return each_database(measure)
