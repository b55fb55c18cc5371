"""Reading a grading from a posted form, checking it is complete, and the overall grade.

A draft keeps whatever was typed (only malformed values are refused), so nothing is lost when
the auditor saves half-way; completeness is checked when a stage is finished. The overall grade
follows the tool's rule with Havering's limiting judgement: when the auditor's overall grade
differs from what the rule gives (an inadequate domain makes it inadequate), it stands only as
an override with a recorded reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from core.toolkit import (
    GRADES,
    NOT_APPLICABLE,
    Domain,
    Grade,
    GradingError,
    OverallResult,
    Question,
    Tool,
    grade_from_score,
    record_grading,
)

SUBJECT = "single_agency.audit"
MAX_TEXT = 20000
YES_NO_PARTLY = {"yes": "Yes", "partly": "Partly", "no": "No"}
GRADE_VALUES = {g.value for g in GRADES}
LABELS = {**{g.value: g.label for g in GRADES}, NOT_APPLICABLE: "Not applicable"}


def grade_label(value: str | None) -> str:
    return LABELS.get(value or "", "Not graded")


def text(form: Mapping[str, str], name: str) -> str:
    return (form.get(name) or "").strip()[:MAX_TEXT]


def has_text_questions(domain: Domain) -> bool:
    return any(q.type == "text" for q in domain.questions)


# --- reading a draft -------------------------------------------------------------------------


def read_domains(tool: Tool, form: Mapping[str, str], errors: dict[str, str], *,
                 with_answers: bool) -> dict[str, dict[str, Any]]:
    """Each domain's grade or score, evidence and (file review only) answers, as typed."""
    found = {}
    for domain in tool.domains:
        entry = _read_score(domain, form, errors) if domain.grading == "score_0_10" \
            else _read_grade(domain, form, errors)
        entry["evidence"] = text(form, f"{domain.code}-evidence")
        if with_answers:
            entry["answers"] = {q.code: _answer(q, form, errors) for q in domain.questions}
        found[domain.code] = entry
    return found


def _read_grade(domain: Domain, form: Mapping[str, str], errors: dict[str, str]) -> dict:
    raw = (form.get(f"{domain.code}-grade") or "").strip()
    allowed = GRADE_VALUES | ({NOT_APPLICABLE} if domain.allow_not_applicable else set())
    if raw and raw not in allowed:
        errors[f"{domain.code}-grade"] = f"{domain.title}: select a grade from the list"  # noqa: S608
        raw = ""
    return {"grade": raw or None}


def _read_score(domain: Domain, form: Mapping[str, str], errors: dict[str, str]) -> dict:
    na = domain.allow_not_applicable and form.get(f"{domain.code}-na") == "yes"
    raw = (form.get(f"{domain.code}-score") or "").strip()
    if na or not raw:
        return {"score": None, "na": na}
    if not raw.isdigit() or int(raw) > 10:
        errors[f"{domain.code}-score"] = (f"{domain.title}: score must be a whole number "
                                          "from 0 to 10")
        return {"score": None, "na": False}
    return {"score": int(raw), "na": False}


def _answer(question: Question, form: Mapping[str, str], errors: dict[str, str]) -> str:
    name = f"q-{question.code}"
    value = text(form, name)
    if not value:
        return ""
    if question.type == "yes_no_partly" and value not in YES_NO_PARTLY:
        errors[name] = "Select yes, partly or no"
    elif question.type == "choice" and value not in question.choices:
        errors[name] = "Select one of the choices"
    elif question.type == "grade" and value not in GRADE_VALUES:
        errors[name] = "Select a grade"
    elif question.type == "score_0_10" and not (value.isdigit() and int(value) <= 10):
        errors[name] = "Enter a whole number from 0 to 10"
    elif question.type == "date":
        parsed = parse_date(value)
        if parsed is None:
            errors[name] = "Enter a real date, like 27/3/2026"
        return parsed.isoformat() if parsed else value
    return value


def parse_date(value: str) -> date | None:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    return None


def read_overall(form: Mapping[str, str], errors: dict[str, str]) -> dict[str, str]:
    choice = (form.get("overall-choice") or "").strip()
    if choice and choice not in GRADE_VALUES:
        errors["overall-choice"] = "Select the overall grade from the list"
        choice = ""
    return {"choice": choice, "reason": text(form, "overall-reason")}


# --- completeness and the overall grade --------------------------------------------------------


def domain_grade(domain: Domain, entry: Mapping[str, Any]) -> str | None:
    """The grade a domain's draft gives: chosen, from its score, or not applicable."""
    if domain.grading == "score_0_10":
        if entry.get("na"):
            return NOT_APPLICABLE
        score = entry.get("score")
        return grade_from_score(score).value if score is not None else None
    return entry.get("grade") or None


def domain_grades(tool: Tool, draft: Mapping[str, Any]) -> dict[str, str | None]:
    return {d.code: domain_grade(d, draft.get(d.code, {})) for d in tool.domains}


def missing(tool: Tool, draft: Mapping[str, Any], overall: Mapping[str, str], *,
            with_answers: bool) -> dict[str, str]:
    """Everything a stage still needs before it can be finished, per field."""
    errors: dict[str, str] = {}
    for domain in tool.domains:
        entry = draft.get(domain.code, {})
        grade = domain_grade(domain, entry)
        if grade is None:
            part = "score" if domain.grading == "score_0_10" else "grade"
            errors[f"{domain.code}-{part}"] = f"{domain.title}: give a {part}"
        if with_answers and grade != NOT_APPLICABLE:
            errors |= _unanswered(domain, entry) | _no_evidence(domain, entry)
    if not overall.get("choice"):
        errors["overall-choice"] = "Choose the overall grade"
    return errors


def _unanswered(domain: Domain, entry: Mapping[str, Any]) -> dict[str, str]:
    answers = entry.get("answers", {})
    return {f"q-{q.code}": f"{domain.title}: answer “{_short(q.text)}”"
            for q in domain.questions if q.required and not answers.get(q.code)}


def _no_evidence(domain: Domain, entry: Mapping[str, Any]) -> dict[str, str]:
    answers = entry.get("answers", {})
    texts = [q for q in domain.questions if q.type == "text"]
    if texts:
        if any(answers.get(q.code) for q in texts):
            return {}
        return {f"q-{texts[0].code}": f"{domain.title}: give the evidence for your grade"}
    if entry.get("evidence"):
        return {}
    return {f"{domain.code}-evidence": f"{domain.title}: give the evidence for your grade"}


def _short(value: str, limit: int = 80) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def overall(tool: Tool, grades: Mapping[str, str], choice: str, reason: str) -> OverallResult:
    """The overall grade under the tool's rule; a different choice needs a reason (override).

    Raises GradingError naming `overall-reason` when the reason is missing or too short.
    """
    chosen = choice if tool.overall_rule in ("auditor", "limiting_judgement") else None
    result = tool.grade_overall(grades, chosen=chosen)
    if choice and result.grade is not None and result.grade.value != choice:
        try:
            return tool.grade_overall(grades, chosen=chosen, override=choice,
                                      override_reason=reason)
        except GradingError as exc:
            raise GradingError("overall-reason", _override_message(result)) from exc
    return result


def _override_message(result: OverallResult) -> str:
    if result.limited:
        return ("An inadequate grade in " + ", ".join(result.limited_by) + " makes the overall "
                "grade inadequate: explain why it should be different (at least 10 characters)")
    return (f"The tool's rule gives {result.grade.label.lower() if result.grade else 'no grade'}"
            ": explain why the overall grade should be different (at least 10 characters)")


def record(audit: Any, stage: str, tool: Tool, draft: Mapping[str, Any],
           result: OverallResult, by: Any) -> None:
    """Append the stage's grading to the grade history (domains, then overall), placed in the
    audit's partnership, council and team for reports."""
    grades = domain_grades(tool, draft)
    scores = {d.code: draft[d.code]["score"] for d in tool.domains
              if d.grading == "score_0_10" and draft.get(d.code, {}).get("score") is not None}
    record_grading(SUBJECT, audit.id, stage, grades, result, scores=scores, recorded_by=by,
                   belongs_to=audit)


def compare(before: str | None, after: str | None) -> str:
    """"confirmed", "upgraded" or "downgraded" (a change to or from not applicable: changed)."""
    if before == after:
        return "confirmed"
    if before in GRADE_VALUES and after in GRADE_VALUES:
        return "upgraded" if Grade(after) > Grade(before) else "downgraded"
    return "changed"


def at_least_as_good(grade: str | None, other: str | None) -> bool:
    """True when `grade` is the same as or better than `other` (both real grades)."""
    return grade in GRADE_VALUES and other in GRADE_VALUES and Grade(grade) >= Grade(other)
