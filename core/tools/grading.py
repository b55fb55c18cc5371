"""The Ofsted four-point scale, 0-10 scores, and how domain grades make an overall grade.

Every seed grades on the same scale (Havering section 5, Haringey 2.8). West Sussex scored
0-10 and mapped scores to grades; Havering's "limiting judgement" makes an inadequate domain
pull the overall grade down to inadequate unless the auditor records why not.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

NOT_APPLICABLE = "not_applicable"
OVERALL_RULES = ("limiting_judgement", "lowest", "mode", "auditor")
MIN_REASON = 10


class GradingError(ValueError):
    """Grades that cannot be combined or recorded; `field` names the input at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class Grade(enum.Enum):
    """A grade, ordered worst to best: `Grade.GOOD > Grade.INADEQUATE`."""

    INADEQUATE = "inadequate"
    REQUIRES_IMPROVEMENT = "requires_improvement"
    GOOD = "good"
    OUTSTANDING = "outstanding"

    @property
    def rank(self) -> int:
        return _RANK[self]

    @property
    def label(self) -> str:
        return _LABELS[self]

    def __lt__(self, other: Grade) -> bool:
        if not isinstance(other, Grade):
            return NotImplemented
        return self.rank < other.rank

    def __le__(self, other: Grade) -> bool:
        return self == other or self < other

    def __gt__(self, other: Grade) -> bool:
        if not isinstance(other, Grade):
            return NotImplemented
        return self.rank > other.rank

    def __ge__(self, other: Grade) -> bool:
        return self == other or self > other

    @classmethod
    def parse(cls, value: Grade | str, field: str = "grade") -> Grade:
        """A grade from itself or its key ("requires_improvement"); anything else is refused."""
        if isinstance(value, Grade):
            return value
        try:
            return cls(value)
        except ValueError:
            keys = ", ".join(g.value for g in GRADES)
            raise GradingError(field, f"'{value}' is not a grade; use one of: {keys}") from None


_RANK = {Grade.INADEQUATE: 1, Grade.REQUIRES_IMPROVEMENT: 2, Grade.GOOD: 3, Grade.OUTSTANDING: 4}
_LABELS = {
    Grade.OUTSTANDING: "Outstanding",
    Grade.GOOD: "Good",
    Grade.REQUIRES_IMPROVEMENT: "Requires improvement",
    Grade.INADEQUATE: "Inadequate",
}
# Best first, the order grade choices are offered in.
GRADES: tuple[Grade, ...] = (
    Grade.OUTSTANDING, Grade.GOOD, Grade.REQUIRES_IMPROVEMENT, Grade.INADEQUATE,
)
# Inclusive upper bound of each score band (West Sussex scaling).
_SCORE_BANDS = ((2, Grade.INADEQUATE), (5, Grade.REQUIRES_IMPROVEMENT), (8, Grade.GOOD),
                (10, Grade.OUTSTANDING))


def grade_from_score(score: Any) -> Grade:
    """Map a whole-number score 0-10 to a grade: 0-2, 3-5, 6-8, 9-10.

    Raises ValueError for anything else (negative, above 10, fractions, strings, booleans), so a
    typing slip never becomes a grade.
    """
    if isinstance(score, bool) or not isinstance(score, int):
        raise GradingError("score", f"must be a whole number from 0 to 10, not {score!r}")
    if not 0 <= score <= 10:
        raise GradingError("score", f"must be from 0 to 10, not {score}")
    return next(grade for top, grade in _SCORE_BANDS if score <= top)


@dataclass(frozen=True)
class OverallResult:
    """The overall grade and how it was reached.

    `grade` is None when every domain is not applicable. `limited` says an inadequate domain
    triggered the limiting judgement; `overridden` that the auditor replaced the result, with
    `reason` recording why. Otherwise `reason` explains the result in words.
    """

    grade: Grade | None
    limited: bool
    overridden: bool
    reason: str
    limited_by: tuple[str, ...] = ()


def overall_grade(
    domain_grades: Mapping[str, Grade | str],
    rule: str = "limiting_judgement",
    chosen: Grade | str | None = None,
    override: Grade | str | None = None,
    override_reason: str | None = None,
    *,
    limiting: bool | None = None,
) -> OverallResult:
    """Combine domain grades into an overall grade under a tool's rule.

    Rules: `limiting_judgement` (the auditor's `chosen` grade, or the most common domain grade,
    then limited), `lowest` (the worst domain), `mode` (the most common domain grade, ties to the
    worse), `auditor` (the auditor's `chosen` grade). `limiting` applies the limiting judgement:
    always for `limiting_judgement`, on request for `mode` and `auditor`. Not-applicable domains
    are ignored. An `override` replaces the result and needs an `override_reason` of at least 10
    characters.
    """
    if rule not in OVERALL_RULES:
        rules = ", ".join(OVERALL_RULES)
        raise GradingError("rule", f"'{rule}' is not a rule; use one of: {rules}")
    grades = _applicable(domain_grades)
    if not grades:
        return _no_grade(override)
    base, how = _base_grade(grades, rule, chosen)
    inadequate = tuple(code for code, g in grades.items() if g is Grade.INADEQUATE)
    limited = bool(inadequate) and (rule in ("limiting_judgement", "lowest") or bool(limiting))
    if limited:
        base, how = Grade.INADEQUATE, _limited_text(inadequate)
    if override is not None:
        return _overridden(override, override_reason, limited, inadequate)
    return OverallResult(base, limited, False, how, inadequate if limited else ())


def _applicable(domain_grades: Mapping[str, Grade | str]) -> dict[str, Grade]:
    return {
        code: Grade.parse(value, field=f"domain_grades[{code}]")
        for code, value in domain_grades.items()
        if value != NOT_APPLICABLE
    }


def _no_grade(override: Grade | str | None) -> OverallResult:
    if override is not None:
        raise GradingError("override", "every domain is not applicable, so there is no overall "
                                       "grade to override")
    return OverallResult(None, False, False, "Every domain is not applicable: no overall grade.")


def _base_grade(grades: dict[str, Grade], rule: str, chosen: Grade | str | None
                ) -> tuple[Grade, str]:
    if rule == "lowest":
        return min(grades.values()), "The lowest domain grade."
    if rule == "auditor" or (rule == "limiting_judgement" and chosen is not None):
        if chosen is None:
            raise GradingError("chosen", "choose the overall grade")
        return Grade.parse(chosen, field="chosen"), "The auditor's overall judgement."
    return _mode(grades.values()), "The most common domain grade."


def _mode(grades: Any) -> Grade:
    """The most common grade; a tie goes to the worse grade (the cautious reading)."""
    counts = Counter(grades)
    return max(counts, key=lambda g: (counts[g], -g.rank))


def _limited_text(codes: tuple[str, ...]) -> str:
    names = ", ".join(codes)
    return f"Limiting judgement: inadequate in {names}, so the overall grade is inadequate."


def _overridden(override: Grade | str, reason: str | None, limited: bool,
                inadequate: tuple[str, ...]) -> OverallResult:
    grade = Grade.parse(override, field="override")
    text = (reason or "").strip()
    if len(text) < MIN_REASON:
        raise GradingError("override_reason", "give the reason for overriding the overall grade "
                                              f"(at least {MIN_REASON} characters)")
    return OverallResult(grade, limited, True, text, inadequate if limited else ())
