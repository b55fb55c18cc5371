"""A tool definition as an immutable dataclass tree (what `get_tool` returns).

A tool is data: domains with guidance, "what good looks like" descriptors per grade and
questions. Instances are built only by `core.tools.schema`, so every tree here is valid.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from core.tools.grading import (
    GRADES,
    NOT_APPLICABLE,
    Grade,
    GradingError,
    OverallResult,
    overall_grade,
)

QUESTION_TYPES: dict[str, str] = {
    "grade": "Grade (outstanding to inadequate)",
    "score_0_10": "Score from 0 to 10",
    "yes_no_partly": "Yes, no or partly",
    "text": "Written answer",
    "date": "Date",
    "choice": "Choose from a list",
}
DOMAIN_GRADING: dict[str, str] = {
    "grade": "The auditor chooses a grade",
    "score_0_10": "The auditor scores 0 to 10; the score gives the grade",
}
RULE_LABELS: dict[str, str] = {
    "limiting_judgement": "Auditor's judgement, limited by any inadequate domain",
    "lowest": "The lowest domain grade",
    "mode": "The most common domain grade",
    "auditor": "The auditor's judgement",
}


@dataclass(frozen=True)
class Question:
    code: str
    text: str
    type: str
    required: bool = True
    hint: str = ""
    choices: tuple[str, ...] = ()

    @property
    def type_label(self) -> str:
        return QUESTION_TYPES[self.type]


@dataclass(frozen=True)
class Descriptors:
    """What practice at each grade looks like, as short statements."""

    outstanding: tuple[str, ...]
    good: tuple[str, ...]
    requires_improvement: tuple[str, ...]
    inadequate: tuple[str, ...]

    def for_grade(self, grade: Grade) -> tuple[str, ...]:
        return getattr(self, grade.value)

    def by_grade(self) -> list[tuple[Grade, tuple[str, ...]]]:
        """Best first, the order the scale is shown in."""
        return [(g, self.for_grade(g)) for g in GRADES]


@dataclass(frozen=True)
class Domain:
    code: str
    title: str
    descriptors: Descriptors
    questions: tuple[Question, ...]
    guidance: str = ""
    allow_not_applicable: bool = False
    grading: str = "grade"


@dataclass(frozen=True)
class AppliesTo:
    """Services and cohorts a tool is meant for; empty means any."""

    services: tuple[str, ...] = ()
    cohorts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Tool:
    key: str
    version: int
    title: str
    domains: tuple[Domain, ...]
    description: str = ""
    applies_to: AppliesTo = field(default_factory=AppliesTo)
    overall_rule: str = "limiting_judgement"
    limiting: bool = True

    @property
    def owner(self) -> str:
        """The plugin (or "core") the key is namespaced by."""
        return self.key.split(".", 1)[0]

    @property
    def rule_label(self) -> str:
        label = RULE_LABELS[self.overall_rule]
        if self.limiting and self.overall_rule in ("mode", "auditor"):
            label += ", limited by any inadequate domain"
        return label

    def domain(self, code: str) -> Domain:
        for domain in self.domains:
            if domain.code == code:
                return domain
        raise KeyError(f"{self.key} v{self.version} has no domain '{code}'")

    def questions(self) -> Iterator[tuple[Domain, Question]]:
        for domain in self.domains:
            for question in domain.questions:
                yield domain, question

    def grade_overall(
        self,
        domain_grades: Mapping[str, Grade | str],
        chosen: Grade | str | None = None,
        override: Grade | str | None = None,
        override_reason: str | None = None,
    ) -> OverallResult:
        """The overall grade under this tool's rule, after checking every domain is graded
        and "not applicable" is used only where the tool allows it."""
        self._check_domain_grades(domain_grades)
        return overall_grade(domain_grades, self.overall_rule, chosen, override,
                             override_reason, limiting=self.limiting)

    def _check_domain_grades(self, domain_grades: Mapping[str, Grade | str]) -> None:
        known = {d.code for d in self.domains}
        for code in domain_grades:
            if code not in known:
                raise GradingError(f"domain_grades[{code}]", "this tool has no such domain")
        for domain in self.domains:
            value = domain_grades.get(domain.code)
            if value is None:
                raise GradingError(f"domain_grades[{domain.code}]", f"grade {domain.title}")
            if value == NOT_APPLICABLE and not domain.allow_not_applicable:
                raise GradingError(f"domain_grades[{domain.code}]",
                                   f"{domain.title} cannot be marked not applicable")
