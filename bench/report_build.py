"""Report build time over 100,000 audits x 10 domains, next to the bare SQL on the same data.

Seeded by `core.synthetic` (as `flask seed-synthetic` does): 100,000 coded cases and their
allocations, and for each audit 10 domain grades and an overall grade at file review (1.1
million grade rows), a third of the audits moderated, and 5,000 actions, all in one partnership
over one financial year.

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
import tempfile
import time

from sqlalchemy import bindparam, text

from bench._support import app_for, each_database
from core.synthetic import YEAR, seed_synthetic
from core.timeutil import UTCDateTime
from core.tools.models import GRADE_STAGES

AUDITS = int(os.environ.get("BENCH_AUDITS", "100000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
STAGES = ", ".join(f"'{stage}'" for stage in GRADE_STAGES)
BARE = text(f"""
    SELECT stage, domain_code, grade, count(*) FROM grade_record
    WHERE partnership_id = :p AND stage IN ({STAGES})
      AND recorded_at >= :start AND recorded_at < :end
    GROUP BY stage, domain_code, grade
""").bindparams(bindparam("start", type_=UTCDateTime), bindparam("end", type_=UTCDateTime))


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
            made = seed_synthetic(AUDITS, 5000)
            partnership_id, user_id = made.partnership_id, made.coordinator_id
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
    return {"audits": AUDITS, "grade_rows": made.grade_rows, "seed_s": seed_s,
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
