"""Action settings: default due dates per priority, when overdue actions climb the line, and
how many signed-off actions are revisited.

A deployment overrides any of them with `ACTIONS = {...}` in its config. The defaults follow
DOMAIN.md: safeguarding actions within 5 working days, others within 4 weeks (20 working days;
Sefton allows 31 days at most, West Sussex 4 weeks), and a 20% sample revisited (Havering).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import current_app

from core.timeutil import to_london, utcnow
from core.workflow.calendar import add_working_days

PRIORITIES: dict[str, str] = {
    "normal": "Normal",
    "safeguarding": "Safeguarding (short clock)",
}

DEFAULTS: dict[str, Any] = {
    "due_working_days": {"normal": 20, "safeguarding": 5},
    # How many working days overdue an action is when each step up the management line is
    # told. The owner hears on the first working day after the due date (1 working day
    # overdue); a normal action then reaches their line manager the next working day and climbs
    # in 5-working-day steps (Haringey); a safeguarding action reaches the line manager at once.
    "escalate_after_working_days": {"normal": (2, 7, 12), "safeguarding": (1, 2, 4)},
    "review_sample_rate": 0.2,
}


def settings() -> dict[str, Any]:
    """The defaults with the deployment's `ACTIONS` settings laid over them."""
    given = current_app.config.get("ACTIONS") or {}
    unknown = set(given) - set(DEFAULTS)
    if unknown:
        raise ValueError(f"ACTIONS has unknown setting(s): {', '.join(sorted(unknown))}")
    merged = {**DEFAULTS, **given}
    rate = merged["review_sample_rate"]
    if not isinstance(rate, int | float) or not 0 <= rate <= 1:
        raise ValueError("ACTIONS review_sample_rate must be a number from 0 to 1")
    return merged


def now() -> datetime:
    """The current time for every action module (tests freeze `core.actions.settings.utcnow`)."""
    return utcnow()


def today() -> date:
    """Today on the London calendar (due dates are London dates)."""
    return to_london(now()).date()


def default_due_date(priority: str, start: date | None = None) -> date:
    """The due date an action gets when nobody chose one: N working days from `start`."""
    days = settings()["due_working_days"][priority]
    return add_working_days(start or today(), int(days))


def escalation_steps(priority: str) -> tuple[int, ...]:
    return tuple(int(n) for n in settings()["escalate_after_working_days"][priority])


def review_sample_rate() -> float:
    return float(settings()["review_sample_rate"])
