"""Answers to the visit tool: read from the form by question code, checked by question type.

The tool is data (`tools/visit_report.yaml`, or a newer version an administrator published),
so every question type the tool schema allows is handled. A visit keeps the version it was
scheduled with. Drafts may be partly answered; a finished report needs every required question
of every standard the visitor did not mark "not applicable" (where the tool allows it).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from core.toolkit import GRADES, NOT_APPLICABLE, Domain, Question, Tool
from plugins.reg44.forms import Reader

YES_NO_PARTLY = {"yes": "Yes", "no": "No", "partly": "Partly"}
TEXT_LIMIT = 5000


def field_name(question: Question) -> str:
    """The form field of a question: its code with dots made safe for ids."""
    return "q-" + question.code.replace(".", "-")


def na_field(domain: Domain) -> str:
    return "na-" + domain.code.replace(".", "-")


def na_key(domain: Domain) -> str:
    return f"{domain.code}:not_applicable"


def options(question: Question) -> dict[str, str]:
    """The answers a closed question offers (value -> label)."""
    if question.type == "yes_no_partly":
        return YES_NO_PARTLY
    if question.type == "choice":
        return {c: c for c in question.choices}
    if question.type == "grade":
        return {g.value: g.label for g in GRADES}
    if question.type == "score_0_10":
        return {str(n): str(n) for n in range(11)}
    return {}


def read_answers(tool: Tool, form: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """Every answer given on the form, cleaned; and a message per invalid answer."""
    r = Reader(form)
    answers: dict[str, Any] = {}
    for domain in tool.domains:
        if domain.allow_not_applicable and r.raw(na_field(domain)) == "yes":
            answers[na_key(domain)] = True
        for question in domain.questions:
            value = _read(r, question)
            if value not in (None, ""):
                answers[question.code] = value
    return answers, r.errors


def _read(r: Reader, question: Question) -> Any:
    name, label = field_name(question), f"an answer to '{question.text}'"
    if question.type == "text":
        return r.text(name, label, limit=TEXT_LIMIT, required=False, multiline=True)
    if question.type == "date":
        value = r.date(name, "the date", required=False)
        return value.isoformat() if isinstance(value, date) else None
    return r.choice(name, options(question), f"Select {label}", required=False)


def missing_answers(tool: Tool, answers: dict[str, Any]) -> Iterator[tuple[Domain, Question]]:
    """The required questions not yet answered, in the tool's order."""
    for domain in tool.domains:
        if answers.get(na_key(domain)):
            continue
        for question in domain.questions:
            if question.required and answers.get(question.code) in (None, ""):
                yield domain, question


def shown(question: Question, value: Any) -> str:
    """An answer as the report prints it."""
    if value in (None, ""):
        return ""
    if question.type == "date":
        return date.fromisoformat(value).strftime("%-d %B %Y")
    return options(question).get(str(value), str(value))


def standard_met(tool: Tool, answers: dict[str, Any]) -> dict[str, str]:
    """Domain code -> the yes/no/partly answer of its first yes/no/partly question (or
    "not_applicable"), for reports."""
    found = {}
    for domain in tool.domains:
        if answers.get(na_key(domain)):
            found[domain.code] = NOT_APPLICABLE
            continue
        question = next((q for q in domain.questions if q.type == "yes_no_partly"), None)
        if question is not None and question.code in answers:
            found[domain.code] = answers[question.code]
    return found
