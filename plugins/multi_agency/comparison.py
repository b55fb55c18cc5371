"""Baseline comparison: how an audit's grades moved against the baseline audit of its theme.

The baseline (Hillingdon App. E, 3) is the latest audit of the same theme in the partnership
marked as the baseline. Per domain we count the grades the consultation meeting agreed; per
agency, the overall grades of the agencies' submitted returns (no-involvement returns and
not-applicable domains are left out). Each row shows both distributions side by side, the
share graded good or better in each, and an arrow for the direction of change.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select

from core.toolkit import GRADES, Agency, db
from plugins.multi_agency.models import (
    MultiAgencyAudit,
    MultiAgencyCase,
    MultiAgencyFinding,
    MultiAgencyReturn,
)

GOOD_OR_BETTER = ("outstanding", "good")
OVERALL = "Overall"
ARROWS = {"up": "↑", "down": "↓", "same": "→", "none": "-"}
CHANGE_WORDS = {"up": "Improved", "down": "Declined", "same": "No change", "none": "No data"}


@dataclass(frozen=True)
class Distribution:
    """How many of each grade (keys of GRADES, best first)."""

    counts: tuple[int, ...]

    @classmethod
    def of(cls, grades: list[str]) -> Distribution:
        found = Counter(grades)
        return cls(tuple(found.get(g.value, 0) for g in GRADES))

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def good_share(self) -> float | None:
        """Percentage graded good or better, to one decimal place (None with no grades)."""
        if not self.total:
            return None
        good = sum(n for g, n in zip(GRADES, self.counts, strict=True)
                   if g.value in GOOD_OR_BETTER)
        return round(100 * good / self.total, 1)


@dataclass(frozen=True)
class Row:
    label: str
    baseline: Distribution
    current: Distribution

    @property
    def change(self) -> str:
        before, after = self.baseline.good_share, self.current.good_share
        if before is None or after is None:
            return "none"
        return "up" if after > before else "down" if after < before else "same"

    @property
    def arrow(self) -> str:
        return ARROWS[self.change]

    @property
    def change_words(self) -> str:
        return CHANGE_WORDS[self.change]


@dataclass(frozen=True)
class Comparison:
    baseline: MultiAgencyAudit
    current: MultiAgencyAudit
    domains: tuple[Row, ...]
    agencies: tuple[Row, ...]


def baseline_for(audit: MultiAgencyAudit) -> MultiAgencyAudit | None:
    """The latest earlier baseline audit of the same theme in the partnership."""
    if audit.is_baseline:
        return None
    return db.session.scalar(
        select(MultiAgencyAudit).where(
            MultiAgencyAudit.partnership_id == audit.partnership_id,
            MultiAgencyAudit.theme_key == audit.theme_key,
            MultiAgencyAudit.is_baseline.is_(True), MultiAgencyAudit.id != audit.id,
            MultiAgencyAudit.created_at <= audit.created_at)
        .order_by(MultiAgencyAudit.created_at.desc(), MultiAgencyAudit.id.desc()).limit(1))


def agreed_grades(audit: MultiAgencyAudit) -> dict[str, list[str]]:
    """Domain code (and OVERALL) → the grades agreed for the audit's cases."""
    findings = db.session.scalars(select(MultiAgencyFinding).join(MultiAgencyCase).where(
        MultiAgencyCase.audit_id == audit.id))
    found: dict[str, list[str]] = {}
    for finding in findings:
        for code, grade in finding.grades.items():
            found.setdefault(code, []).append(grade)
        if finding.overall:
            found.setdefault(OVERALL, []).append(finding.overall)
    return found


def agency_grades(audit: MultiAgencyAudit) -> dict[int, list[str]]:
    """Agency id → the overall grades of its submitted returns."""
    rows = db.session.execute(
        select(MultiAgencyReturn.agency_id, MultiAgencyReturn.overall).join(MultiAgencyCase)
        .where(MultiAgencyCase.audit_id == audit.id, MultiAgencyReturn.status == "submitted",
               MultiAgencyReturn.no_involvement.is_(False),
               MultiAgencyReturn.overall.is_not(None)))
    found: dict[int, list[str]] = {}
    for agency_id, overall in rows:
        found.setdefault(agency_id, []).append(overall)
    return found


def _rows(labels: list[tuple[object, str]], before: dict, after: dict) -> tuple[Row, ...]:
    return tuple(Row(label, Distribution.of(before.get(key, [])),
                     Distribution.of(after.get(key, []))) for key, label in labels)


def compare(current: MultiAgencyAudit, baseline: MultiAgencyAudit,
            domains: list[tuple[str, str]], agency_ids: set[int] | None = None) -> Comparison:
    """Rows per shared-core domain (then overall) and per agency in either audit; only the
    agencies in `agency_ids` when given (before the meeting an agency sees only its own)."""
    domain_rows = _rows([*domains, (OVERALL, OVERALL)], agreed_grades(baseline),
                        agreed_grades(current))
    before, after = agency_grades(baseline), agency_grades(current)
    ids = sorted((set(before) | set(after)) & (agency_ids if agency_ids is not None
                                               else set(before) | set(after)))
    names = {a.id: a.name for a in db.session.scalars(select(Agency).where(Agency.id.in_(ids)))}
    labels = sorted(((i, names[i]) for i in ids), key=lambda pair: pair[1])
    return Comparison(baseline, current, domain_rows, _rows(labels, before, after))
