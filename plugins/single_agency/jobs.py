"""The scheduled job: open each council's monthly cycle on its first working day.

Run every weekday morning; it draws a cycle only on the first working days of a cycle month
(a few days' grace covers downtime) and never twice for a month, so running it again, or on
two schedulers at once, changes nothing. Each council is drawn in its own savepoint: one
council's broken settings do not stop the others.
"""

from __future__ import annotations

import logging
import secrets

from sqlalchemy import select

from core.toolkit import add_working_days, db, is_working_day
from plugins.single_agency import clock
from plugins.single_agency.cycles import draw_monthly
from plugins.single_agency.models import Programme
from plugins.single_agency.settings import AUTO_DRAW_WINDOW, first_working_day

log = logging.getLogger("partnership_audit.single_agency")


def in_draw_window(day) -> bool:
    """True on the first few working days of the month (the first one, normally)."""
    first = first_working_day(day.year, day.month)
    return is_working_day(day) and first <= day <= add_working_days(first, AUTO_DRAW_WINDOW - 1)


def start_cycles() -> dict[str, int]:
    """Draw this month's cycle for every active programme that has not drawn it yet."""
    today = clock.today()
    counts = {"drawn": 0, "failed": 0}
    if not in_draw_window(today):
        return counts
    rng = secrets.SystemRandom()
    for programme_id in list(db.session.scalars(
            select(Programme.id).where(Programme.active.is_(True)).order_by(Programme.id))):
        try:
            with db.session.begin_nested():
                programme = db.session.get(Programme, programme_id)
                _, drawn = draw_monthly(programme, today.year, today.month, rng)
            counts["drawn"] += int(drawn)
        except Exception as exc:  # one council's problem must not stop the others
            counts["failed"] += 1
            log.error("cycle draw failed for programme %s: %s", programme_id,
                      type(exc).__name__)
    return counts
