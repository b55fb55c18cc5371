"""XLSX export of 10,000 actions, as the export job builds it.

Seeded synthetically with bulk inserts: 10,000 actions of one partnership across two agencies,
a third of them about coded cases, in one action plan. Figures per database, in seconds (best
of `BENCH_REPEAT` runs after one warm-up):
- `rows_s`: `action_rows(user, filters)`, the action tracker's scoped query and plain rows.
- `xlsx_s`: writing those rows as the marked XLSX (openpyxl, write-only).
- `export_s`: the whole `core.build_export` job body: query, XLSX, encryption to disk, access
  log entry. Target: export_s <= 3 s.
`BENCH_ACTIONS` changes the number of actions.
"""

from __future__ import annotations

import os
import random
import tempfile
import time
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert

from bench._support import app_for, each_database

ACTIONS = int(os.environ.get("BENCH_ACTIONS", "10000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
STATUSES = ("open", "in_progress", "awaiting_sign_off", "signed_off", "returned")


def _world():
    from core.actions.models import ActionPlan
    from core.extensions import db
    from core.identity.models import Agency, Membership, Partnership, User

    partnership = Partnership(name="Bench partnership", code_prefix="BN")
    agencies = [Agency(name=f"Bench agency {n}", type="childrens_services",
                       partnerships=[partnership]) for n in range(2)]
    coordinator = User(email="coordinator@bench.example", name="Bench Coordinator",
                       password_hash="!")
    plan = ActionPlan(partnership=partnership, name="Partnership action plan")
    db.session.add_all([partnership, *agencies, coordinator, plan,
                        Membership(user=coordinator, role="partnership_coordinator",
                                   partnership=partnership)])
    db.session.commit()
    return partnership, agencies, coordinator, plan


def _seed(rng: random.Random):
    from core.actions.models import Action
    from core.cases.models import Case
    from core.extensions import db

    partnership, agencies, coordinator, plan = _world()
    cases = [{"id": f"{n:032x}", "code": f"BN-{n:07d}", "partnership_id": partnership.id,
              "agency_id": agencies[n % 2].id} for n in range(ACTIONS // 3)]
    db.session.execute(insert(Case), cases)
    start = datetime(2025, 4, 1, tzinfo=UTC)
    rows = []
    for n in range(ACTIONS):
        created = start + timedelta(hours=rng.randrange(365 * 24))
        rows.append({
            "partnership_id": partnership.id, "plan_id": plan.id, "version": 1,
            "what": f"Make sure supervision is recorded monthly ({n})",
            "why": "The audit found no recorded supervision for six months",
            "owner_agency_id": agencies[n % 2].id, "priority": rng.choice(("normal",
                                                                           "safeguarding")),
            "status": rng.choice(STATUSES), "created_at": created, "source_activity": "core",
            "due_date": date(2025, 4, 1) + timedelta(days=rng.randrange(400)),
            "case_id": cases[n % len(cases)]["id"] if n % 3 == 0 else None,
        })
    db.session.execute(insert(Action), rows)
    db.session.commit()
    return partnership, coordinator


def _best(action) -> float:
    action()
    spent = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        action()
        spent.append(time.perf_counter() - started)
    return round(min(spent), 3)


def measure(database_url: str) -> dict:
    from core.actions.queries import action_rows
    from core.exports import service, xlsx
    from core.exports.action_plans import heading, plan_rows
    from core.exports.content import Document
    from core.exports.models import ExportFile
    from core.extensions import db

    with tempfile.TemporaryDirectory() as instance:
        app = app_for(database_url, instance)
        with app.app_context(), app.test_request_context():
            db.create_all()
            partnership, coordinator = _seed(random.Random(5))
            filters = {"partnership": partnership.id}
            keys, rows = plan_rows(coordinator, filters)
            document = Document("Action plan", [("Actions", str(len(rows)))])

            def whole_job() -> None:
                export = ExportFile(kind="action_plan", format="xlsx", params="{}",
                                    partnership_id=partnership.id, permission="actions.view",
                                    created_by_id=coordinator.id, status="queued")
                db.session.add(export)
                db.session.flush()
                service.build(export.id)
                db.session.commit()

            rows_s = _best(lambda: action_rows(coordinator, filters))
            xlsx_s = _best(lambda: xlsx.rows_xlsx(document, [heading(k) for k in keys], rows,
                                                  "Actions"))
            export_s = _best(whole_job)
            size = len(xlsx.rows_xlsx(document, [heading(k) for k in keys], rows, "Actions"))
            db.session.remove()
            db.engine.dispose()
    return {"actions": len(rows), "rows_s": rows_s, "xlsx_s": xlsx_s, "export_s": export_s,
            "xlsx_bytes": size, "target": "export_s <= 3"}


def run() -> dict:
    return each_database(measure)


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))
