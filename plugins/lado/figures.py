"""The numbers behind the quarterly and annual LADO reports (coded aggregates, no identity).

Everything is counted from referrals received in the period (by referral date), except
outcomes (referrals concluded in the period), audits (completed in the period), long-running
cases (open at the period's end) and repeats. Repeat employers and adults are counted over the
twelve months ending on the period's last day, so a quarterly report still sees a repeat from
earlier in the year; they are shown by a pseudonymous key (the first characters of the HMAC
blind index), never by name.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

from core.toolkit import (
    GRADES,
    NOT_APPLICABLE,
    Partnership,
    db,
    get_tool,
    working_days_between,
)
from plugins.lado import timeliness, vocab
from plugins.lado.config import Settings, settings_for
from plugins.lado.models import LadoAudit, LadoReferral

KEY_LENGTH = 8


@dataclass(frozen=True)
class Repeat:
    key: str
    referrals: int


@dataclass(frozen=True)
class Learning:
    reference: str
    grade: str
    text: str


@dataclass
class Figures:
    partnership: Partnership
    start: date
    end: date
    received: int = 0
    by_sector: list[tuple[str, int]] = field(default_factory=list)
    by_category: list[tuple[str, int]] = field(default_factory=list)
    by_referrer: list[tuple[str, int]] = field(default_factory=list)
    by_outcome: list[tuple[str, int]] = field(default_factory=list)
    concluded: int = 0
    steps: list[tuple[str, int]] = field(default_factory=list)
    timeliness: list[timeliness.Summary] = field(default_factory=list)
    long_running: int = 0
    open_at_end: int = 0
    repeat_employers: list[Repeat] = field(default_factory=list)
    repeat_adults: list[Repeat] = field(default_factory=list)
    audits_completed: int = 0
    overall_grades: list[tuple[str, int]] = field(default_factory=list)
    domain_grades: list[tuple[str, list[int]]] = field(default_factory=list)
    limited: int = 0
    learning: list[Learning] = field(default_factory=list)
    trend: list[tuple[str, int]] = field(default_factory=list)
    settings: Settings | None = None


def _received(partnership_id: int, start: date, end: date) -> list[LadoReferral]:
    return list(db.session.scalars(select(LadoReferral).where(
        LadoReferral.partnership_id == partnership_id, LadoReferral.referral_date >= start,
        LadoReferral.referral_date <= end)
        .order_by(LadoReferral.referral_date, LadoReferral.reference)))


def _counted(values: list[str | None], options: dict[str, str]) -> list[tuple[str, int]]:
    """Every option in order (zeros included, so quarters compare), labelled."""
    counts = Counter(values)
    return [(vocab.CATEGORY_SHORT.get(k, label) if options is vocab.CATEGORIES else label,
             counts.get(k, 0)) for k, label in options.items()]


def _repeats(partnership_id: int, end: date, column: str) -> list[Repeat]:
    rows = _received(partnership_id, end - timedelta(days=364), end)
    counts = Counter(getattr(r, column) for r in rows if getattr(r, column))
    prefix = "E" if column == "employer_key" else "A"
    return sorted((Repeat(f"{prefix}-{k[:KEY_LENGTH].upper()}", n)
                   for k, n in counts.items() if n >= 2), key=lambda r: (-r.referrals, r.key))


def _referrers(referrals: list[LadoReferral]) -> list[tuple[str, int]]:
    counts = Counter(r.referrer_agency.name if r.referrer_agency else "Not recorded"
                     for r in referrals)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def _steps(referrals: list[LadoReferral]) -> list[tuple[str, int]]:
    out = [("Threshold met", sum(1 for r in referrals if r.decision == "met")),
           ("Threshold not met", sum(1 for r in referrals if r.decision == "not_met"))]
    out += [(vocab.FLAG_LABELS[f], sum(1 for r in referrals if getattr(r, f)))
            for f in ("strategy_held", *vocab.FLAGS)]
    return out


def _open_at(partnership_id: int, end: date, settings: Settings) -> tuple[int, int]:
    rows = db.session.scalars(select(LadoReferral).where(
        LadoReferral.partnership_id == partnership_id, LadoReferral.referral_date <= end))
    still_open = [r for r in rows if not _concluded_by(r, end)]
    long = [r for r in still_open if working_days_between(r.referral_date, end)
            > settings.long_running_days]
    return len(still_open), len(long)


def _concluded_by(referral: LadoReferral, end: date) -> bool:
    if referral.outcome_date and referral.outcome_date <= end:
        return True
    return referral.decision == "not_met" and bool(referral.decision_date) and \
        referral.decision_date <= end


def _audits(partnership_id: int, start: date, end: date) -> list[LadoAudit]:
    rows = db.session.scalars(select(LadoAudit).where(
        LadoAudit.partnership_id == partnership_id, LadoAudit.status == "completed")
        .order_by(LadoAudit.reference))
    return [a for a in rows if a.completed_at and start <= timeliness.london_day(
        a.completed_at) <= end]


def _grades(audits: list[LadoAudit], figures: Figures) -> None:
    overall = Counter(a.overall_grade for a in audits)
    figures.overall_grades = [(g.label, overall.get(g.value, 0)) for g in GRADES]
    figures.limited = sum(1 for a in audits if a.limited)
    tool = get_tool("lado.referral_audit")
    per_domain: dict[str, Counter] = {d.code: Counter() for d in tool.domains}
    for audit in audits:
        for code, grade in json.loads(audit.domain_grades or "{}").items():
            per_domain.setdefault(code, Counter())[grade] += 1
    figures.domain_grades = [
        (d.title, [per_domain[d.code].get(g.value, 0) for g in GRADES]
         + [per_domain[d.code].get(NOT_APPLICABLE, 0)]) for d in tool.domains]
    figures.learning = [Learning(a.reference, _grade_label(a.overall_grade), a.learning)
                        for a in audits if a.learning]


def parse_day(text: str) -> date | None:
    from plugins.lado.referrals import parse_date

    return parse_date(text) if text.strip() else None


def _grade_label(value: str | None) -> str:
    return next((g.label for g in GRADES if g.value == value), "Not applicable")


def _trend(partnership_id: int, start: date, end: date) -> list[tuple[str, int]]:
    """Referrals in each of the four quarters ending with the period (financial quarters)."""
    out = []
    first = quarter_start(end)
    for back in range(3, -1, -1):
        q_start = add_months(first, -3 * back)
        q_end = add_months(q_start, 3) - timedelta(days=1)
        out.append((_quarter_label(q_start), len(_received(partnership_id, q_start, q_end))))
    return out


def quarter_start(day: date) -> date:
    return date(day.year, day.month - (day.month - 4) % 3, 1)


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _quarter_label(start: date) -> str:
    first = start.year if start.month >= 4 else start.year - 1
    number = (start.month - 4) % 12 // 3 + 1
    return f"Q{number} {first}-{str(first + 1)[2:]}"


def build(partnership: Partnership, start: date, end: date) -> Figures:
    """Every figure for one partnership and period."""
    settings = settings_for(partnership.id)
    referrals = _received(partnership.id, start, end)
    figures = Figures(partnership, start, end, received=len(referrals), settings=settings)
    figures.by_sector = _counted([r.sector for r in referrals], vocab.SECTORS)
    figures.by_category = _counted([r.category for r in referrals], vocab.CATEGORIES)
    figures.by_referrer = _referrers(referrals)
    concluded = list(db.session.scalars(select(LadoReferral).where(
        LadoReferral.partnership_id == partnership.id, LadoReferral.outcome_date >= start,
        LadoReferral.outcome_date <= end)))
    figures.concluded = len(concluded)
    figures.by_outcome = _counted([r.outcome for r in concluded], vocab.OUTCOMES)
    figures.steps = _steps(referrals)
    figures.timeliness = timeliness.summarise(referrals, settings)
    figures.open_at_end, figures.long_running = _open_at(partnership.id, end, settings)
    figures.repeat_employers = _repeats(partnership.id, end, "employer_key")
    figures.repeat_adults = _repeats(partnership.id, end, "adult_key")
    audits = _audits(partnership.id, start, end)
    figures.audits_completed = len(audits)
    _grades(audits, figures)
    figures.trend = _trend(partnership.id, start, end)
    return figures
