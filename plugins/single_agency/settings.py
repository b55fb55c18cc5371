"""A council's programme settings: defaults, validation, and the calendar they produce.

Defaults follow the seeds: 10 cycles a year with August and September paused (Haringey), the
year starting in April (Havering's and Haringey's schedules), quotas of at least 10 audits a
year for team managers and 6 for heads of service, assistant directors and the principal
social worker (Havering), half of the completed audits moderated (Havering), and a re-audit
three months after a "requires improvement" or "inadequate" result. A deployment changes the
defaults for new programmes with the `SINGLE_AGENCY` setting; each council then edits its own.
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date
from typing import Any

from core.toolkit import add_working_days, is_working_day, plugin_config

KEY = "single_agency"
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
AUDITOR_ROLES = ("team_manager", "service_manager", "head_of_service", "assistant_director",
                 "principal_social_worker", "qa_officer", "qa_manager", "iro")
MODERATION_RULES: dict[str, str] = {
    "half": "Half of the completed audits each month (Havering)",
    "third_plus_good": "About a third, plus every audit graded good or better (Sefton)",
    "all": "Every completed audit",
}
MODERATION_RATES = {"half": 0.5, "third_plus_good": 1 / 3, "all": 1.0}
DEFAULTS: dict[str, Any] = {
    "year_start_month": 4,
    "cycles_per_year": 10,
    "paused_months": [8, 9],
    "practice_week_months": [],
    "sample_per_team": 2,
    "exclude_recent_months": 6,
    "auditor_roles": list(AUDITOR_ROLES),
    "quotas": {"team_manager": 10, "head_of_service": 6, "assistant_director": 6,
               "principal_social_worker": 6},
    "max_per_auditor": 2,
    "require_expertise": False,
    "moderation_rule": "half",
    "reaudit_after_months": 3,
    "reaudit_max_rounds": 2,
    "default_tool": "core.practice_standards",
    "service_tools": {},
    "hos_review_inadequate": False,
    "inadequate_share_warning": 25,
}
AUTO_DRAW_WINDOW = 5  # working days into a month in which the scheduled job still draws


def defaults() -> dict[str, Any]:
    """The built-in defaults, overridden by the deployment's `SINGLE_AGENCY` setting."""
    values = {k: (list(v) if isinstance(v, list) else dict(v) if isinstance(v, dict) else v)
              for k, v in DEFAULTS.items()}
    values.update({k: v for k, v in plugin_config(KEY).items() if k in DEFAULTS})
    return values


def cycle_months(year_start_month: int, cycles_per_year: int, paused: list[int]) -> list[int]:
    """The months that hold a monthly cycle, in programme-year order.

    The unpaused months are spread evenly: 10 cycles with August and September paused are the
    other ten months; 4 cycles a year starting in April are April, July, October, January.
    """
    order = [(year_start_month - 1 + i) % 12 + 1 for i in range(12)]
    open_months = [m for m in order if m not in paused]
    if cycles_per_year >= len(open_months):
        return open_months
    step = len(open_months) / cycles_per_year
    return [open_months[int(i * step)] for i in range(cycles_per_year)]


def problems(values: dict[str, Any]) -> dict[str, str]:
    """What is wrong with a set of settings, per field (empty when they will do)."""
    errors: dict[str, str] = {}
    paused = set(values["paused_months"])
    if not 1 <= values["cycles_per_year"] <= 12:
        errors["cycles_per_year"] = "Cycles a year must be from 1 to 12"
    elif values["cycles_per_year"] > 12 - len(paused):
        errors["cycles_per_year"] = (f"Cycles a year cannot be more than the {12 - len(paused)} "
                                     "months that are not paused")
    if set(values["practice_week_months"]) & paused:
        errors["practice_week_months"] = "A practice week month cannot also be paused"
    for field, low, high, label in (
            ("sample_per_team", 1, 20, "Cases per team"),
            ("exclude_recent_months", 0, 24, "Months before a case is audited again"),
            ("max_per_auditor", 1, 10, "Audits per auditor in a cycle"),
            ("reaudit_after_months", 1, 12, "Months before a re-audit"),
            ("reaudit_max_rounds", 0, 3, "Re-audits of one case"),
            ("inadequate_share_warning", 1, 100, "Share of inadequate audits that warns")):
        if not low <= values[field] <= high:
            errors[field] = f"{label} must be from {low} to {high}"
    if values["moderation_rule"] not in MODERATION_RULES:
        errors["moderation_rule"] = "Select how audits are chosen for moderation"
    return errors


def first_working_day(year: int, month: int) -> date:
    return add_working_days(date(year, month, 1), 0)


def last_working_day(year: int, month: int) -> date:
    day = date(year, month, monthrange(year, month)[1])
    while not is_working_day(day):
        day = date.fromordinal(day.toordinal() - 1)
    return day


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the last day of the month when it is shorter)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


def programme_year_start(day: date, year_start_month: int) -> date:
    """The first day of the programme year that `day` falls in."""
    year = day.year if day.month >= year_start_month else day.year - 1
    return date(year, year_start_month, 1)


def slot(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"
