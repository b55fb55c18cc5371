"""Checking what an auditor gave for a return: grades per domain, answers per question, the
overall grade under the limiting judgement, and the narrative.

Error keys name the input the way both the page and the API do: `grades.RESP`,
`answers.RESP1`, `overall`, `evidence`... A draft may be partial; a submission must be whole.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from core.toolkit import GRADES, NOT_APPLICABLE, Grade, GradingError, OverallResult, Question
from plugins.multi_agency.problems import text
from plugins.multi_agency.toolset import AgencyTools, grade_overall

TEXT_LIMIT = 10000
ANSWER_LIMIT = 4000
YES_NO_PARTLY = ("yes", "no", "partly")
GRADE_KEYS = tuple(g.value for g in GRADES)


@dataclass
class ReturnInput:
    """What an auditor sends, from the form or the API."""

    no_involvement: bool = False
    grades: dict[str, Any] = field(default_factory=dict)
    answers: dict[str, Any] = field(default_factory=dict)
    overall: str | None = None
    override: str | None = None
    override_reason: str | None = None
    evidence: str | None = None
    what_worked: str | None = None
    what_did_not: str | None = None


@dataclass
class CheckedReturn:
    values: dict[str, Any]
    result: OverallResult | None


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _grades(data: ReturnInput, tools: AgencyTools, complete: bool,
            errors: dict[str, str]) -> dict[str, str]:
    domains = {d.code: d for d in tools.domains}
    for code in data.grades:
        if code not in domains:
            errors[f"grades.{code}"] = f"There is no domain '{code}' in this agency's tool"
    kept: dict[str, str] = {}
    for code, domain in domains.items():
        value = data.grades.get(code)
        if _blank(value):
            if complete:
                errors[f"grades.{code}"] = f"Grade {domain.title}"
            continue
        value = str(value).strip()
        if value == NOT_APPLICABLE and not domain.allow_not_applicable:
            errors[f"grades.{code}"] = f"{domain.title} cannot be marked not applicable"
        elif value != NOT_APPLICABLE and value not in GRADE_KEYS:
            errors[f"grades.{code}"] = f"Choose a grade for {domain.title}"
        else:
            kept[code] = value
    return kept


def _answer_problem(question: Question, value: str) -> str | None:
    kind = question.type
    if kind == "grade" and value not in GRADE_KEYS:
        return "Choose a grade"
    if kind == "yes_no_partly" and value not in YES_NO_PARTLY:
        return "Answer yes, no or partly"
    if kind == "choice" and value not in question.choices:
        return "Choose one of the answers given"
    if kind == "score_0_10" and not (value.isdigit() and 0 <= int(value) <= 10):
        return "Enter a whole number from 0 to 10"
    if kind == "date":
        try:
            date.fromisoformat(value)
        except ValueError:
            return "Enter a real date, like 2026-03-27"
    if len(value) > ANSWER_LIMIT:
        return f"The answer must be {ANSWER_LIMIT} characters or fewer"
    return None


def _answers(data: ReturnInput, tools: AgencyTools, complete: bool,
             errors: dict[str, str]) -> dict[str, str]:
    questions = {q.code: q for _, q in tools.questions()}
    for code in data.answers:
        if code not in questions:
            errors[f"answers.{code}"] = f"There is no question '{code}' in this agency's tool"
    kept: dict[str, str] = {}
    for code, question in questions.items():
        value = data.answers.get(code)
        if _blank(value):
            if complete and question.required:
                errors[f"answers.{code}"] = f"Answer: {question.text}"
            continue
        value = str(value).strip()
        problem = _answer_problem(question, value)
        if problem:
            errors[f"answers.{code}"] = problem
        else:
            kept[code] = value
    return kept


def _overall(data: ReturnInput, tools: AgencyTools, grades: dict[str, str], complete: bool,
             errors: dict[str, str]) -> OverallResult | None:
    chosen = None if _blank(data.overall) else str(data.overall).strip()
    override = None if _blank(data.override) else str(data.override).strip()
    for name, value in (("overall", chosen), ("override", override)):
        if value is not None and value not in GRADE_KEYS:
            errors[name] = "Choose a grade"
    if errors or (not complete and (chosen is None or len(grades) < len(tools.domains))):
        return None
    try:
        return grade_overall(tools, grades, chosen, override, data.override_reason)
    except GradingError as exc:
        errors[_error_field(exc.field)] = exc.message[0].upper() + exc.message[1:]
        return None


def _error_field(name: str) -> str:
    if name.startswith("domain_grades["):
        return "grades." + name[len("domain_grades["):-1]
    return {"chosen": "overall"}.get(name, name)


def _narrative(data: ReturnInput, complete: bool, errors: dict[str, str]) -> dict[str, Any]:
    needed = complete
    involved = complete and not data.no_involvement
    return {
        "evidence": text(data.evidence, "evidence", "the evidence you found in your records"
                         if not data.no_involvement else "which records you checked",
                         TEXT_LIMIT, errors, required=needed),
        "what_worked": text(data.what_worked, "what_worked", "what worked well", TEXT_LIMIT,
                            errors, required=involved),
        "what_did_not": text(data.what_did_not, "what_did_not", "what did not work well",
                             TEXT_LIMIT, errors, required=involved),
    }


def check(data: ReturnInput, tools: AgencyTools, complete: bool) -> tuple[CheckedReturn,
                                                                        dict[str, str]]:
    """The values to store and the overall result, with a message per bad field."""
    errors: dict[str, str] = {}
    values = _narrative(data, complete, errors)
    if data.no_involvement:
        values.update(no_involvement=True, grades={}, answers={}, overall_chosen=None,
                      overall=None, limited=False, override_reason=None)
        return CheckedReturn(values, None), errors
    grades = _grades(data, tools, complete, errors)
    answers = _answers(data, tools, complete, errors)
    result = _overall(data, tools, grades, complete, errors)
    values.update(
        no_involvement=False, grades=grades, answers=answers,
        overall_chosen=None if _blank(data.overall) else str(data.overall).strip(),
        overall=result.grade.value if result and result.grade else None,
        limited=bool(result and result.limited),
        override_reason=result.reason if result and result.overridden else None)
    return CheckedReturn(values, result), errors


def grade_label(value: str | None) -> str:
    if value is None:
        return "Not graded"
    if value == NOT_APPLICABLE:
        return "Not applicable"
    return Grade(value).label
