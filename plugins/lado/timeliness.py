"""How long each step took, in UK working days, against the partnership's targets.

Counting is core's working-day calendar (England and Wales bank holidays): the referral day
itself never counts, so a decision the next working day is 1 working day, even across a
weekend or a bank holiday. A referral with no outcome yet is long-running once more working
days than the partnership's threshold have passed since it arrived.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from statistics import median
from zoneinfo import ZoneInfo

from core.toolkit import utcnow, working_days_between
from plugins.lado.config import Settings
from plugins.lado.models import LadoReferral

LONDON = ZoneInfo("Europe/London")
MEASURES = (
    ("decision", "decision_date", "decision_days", "Referral to decision"),
    ("strategy", "strategy_date", "strategy_days", "Referral to strategy discussion"),
    ("outcome", "outcome_date", "outcome_days", "Referral to outcome"),
)


def today() -> date:
    """Today in London (tests freeze `utcnow`)."""
    return london_day(utcnow())


def london_day(moment: datetime) -> date:
    return moment.astimezone(LONDON).date()


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    days: int | None
    target: int

    @property
    def met(self) -> bool | None:
        return None if self.days is None else self.days <= self.target


def steps(referral: LadoReferral, settings: Settings) -> list[Step]:
    """Each measured step of one referral: working days taken (None if not yet) and target."""
    out = []
    for key, field, target_name, label in MEASURES:
        done = getattr(referral, field)
        days = working_days_between(referral.referral_date, done) if done else None
        out.append(Step(key, label, days, getattr(settings, target_name)))
    return out


def open_days(referral: LadoReferral, on: date | None = None) -> int | None:
    """Working days a referral without an outcome has been open, or None once concluded."""
    if referral.concluded:
        return None
    return working_days_between(referral.referral_date, on or today())


def is_long_running(referral: LadoReferral, settings: Settings, on: date | None = None) -> bool:
    days = open_days(referral, on)
    return days is not None and days > settings.long_running_days


@dataclass(frozen=True)
class Summary:
    """One measure over many referrals: how many were measured, within target, the median."""

    key: str
    label: str
    target: int
    measured: int
    within: int
    median_days: float | None

    @property
    def percent(self) -> int | None:
        return None if not self.measured else round(100 * self.within / self.measured)


def summarise(referrals: list[LadoReferral], settings: Settings) -> list[Summary]:
    """Each measure over the referrals that have reached that step."""
    by_key: dict[str, list[Step]] = {}
    for referral in referrals:
        for step in steps(referral, settings):
            if step.days is not None:
                by_key.setdefault(step.key, []).append(step)
    out = []
    for key, _field, target_name, label in MEASURES:
        done = by_key.get(key, [])
        out.append(Summary(key, label, getattr(settings, target_name), len(done),
                           sum(1 for s in done if s.met),
                           median([s.days for s in done]) if done else None))
    return out
