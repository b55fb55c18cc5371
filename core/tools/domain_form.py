"""Editing one domain of a draft tool with ordinary form fields instead of JSON.

A QA manager changes a domain's title, guidance, how it is graded, whether it may be "not
applicable", the "what good looks like" statements per grade (one per line) and its questions
(wording, hint, optional or not, choices; remove one or add one). The new definition goes
through the same marshmallow schema as tool files, and each problem's path
(`domains[2].questions[0].text`) is turned back into the form field it came from, so the
message lands next to the field (GOV.UK error pattern).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from core.tools.definition import QUESTION_TYPES
from core.tools.editing import STALE, _identity_problems
from core.tools.grading import GRADES
from core.tools.models import ToolVersion
from core.tools.registry import to_json
from core.tools.schema import dump_definition, validate_definition

GRADE_KEYS: tuple[str, ...] = tuple(g.value for g in GRADES)
NEW = "new"  # the prefix of the "add a question" fields
GENERAL = "domain"  # where a problem with no field of its own is shown


def lines(text: str | None) -> list[str]:
    """Statements or choices typed one per line, blank lines dropped."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def domain_index(row: ToolVersion, code: str) -> int | None:
    for i, domain in enumerate(json.loads(row.definition)["domains"]):
        if domain["code"] == code:
            return i
    return None


def domain_values(domain: Mapping[str, Any]) -> dict[str, str]:
    """The form's starting values: what the draft holds now."""
    values = {
        "title": domain["title"], "guidance": domain.get("guidance", ""),
        "grading": domain.get("grading", "grade"),
        "allow_not_applicable": "yes" if domain.get("allow_not_applicable") else "",
    }
    for grade in GRADE_KEYS:
        values[f"descriptors_{grade}"] = "\n".join(domain["descriptors"][grade])
    for j, question in enumerate(domain["questions"]):
        values[f"q{j}_text"] = question["text"]
        values[f"q{j}_hint"] = question.get("hint", "")
        values[f"q{j}_required"] = "yes" if question.get("required", True) else ""
        values[f"q{j}_choices"] = "\n".join(question.get("choices", ()))
    return values


@dataclass
class DomainEdit:
    """The outcome of applying the form: the new definition, or errors by field name."""

    definition: dict[str, Any] | None = None
    errors: dict[str, str] = field(default_factory=dict)


def apply_domain_form(definition: Mapping[str, Any], index: int | None,
                      form: Mapping[str, str]) -> DomainEdit:
    """The definition with domain `index` replaced by what the form says, checked whole.

    With `index` None the form adds a domain at the end, with the code typed in the form.
    """
    adding = index is None
    if index is None:
        index = len(definition["domains"])
        old: Mapping[str, Any] = {"code": form.get("code", "").strip(), "questions": []}
    else:
        old = definition["domains"][index]
    kept, prefixes = [], []
    for j, question in enumerate(old["questions"]):
        if form.get(f"q{j}_remove") == "yes":
            continue
        kept.append(_question(question, form, f"q{j}"))
        prefixes.append(f"q{j}")
    errors: dict[str, str] = {}
    new_fields = (form.get(f"{NEW}_code", ""), form.get(f"{NEW}_text", ""))
    if any(v.strip() for v in new_fields):
        kept.append(_new_question(form))
        prefixes.append(NEW)
        taken = {q["code"] for d in definition["domains"] for q in d["questions"]}
        if kept[-1]["code"] in taken:
            # Checked here, not only by the schema, so the message lands on this field even
            # when the code's first use is in a later domain.
            errors[f"{NEW}_code"] = (f"'{kept[-1]['code']}' is already a question in this "
                                     "tool: choose another code.")
    if not kept:
        errors[GENERAL] = "A domain needs at least one question: keep one or add one."
    domain = {
        **old, "title": form.get("title", "").strip(), "guidance": form.get("guidance", "").strip(),
        "grading": form.get("grading", ""),
        "allow_not_applicable": form.get("allow_not_applicable") == "yes",
        "descriptors": {g: lines(form.get(f"descriptors_{g}")) for g in GRADE_KEYS},
        "questions": kept,
    }
    domains = list(definition["domains"])
    if adding:
        domains.append(domain)
    else:
        domains[index] = domain
    candidate = {**definition, "domains": domains}
    tool, problems = validate_definition(candidate)
    for path, reason in problems:
        if f"{NEW}_code" in errors and "is used twice" in reason:
            continue  # already said on the new question's code
        name = _field_for(path, index, prefixes)
        errors.setdefault(name, _sentence(reason))
    if errors:
        return DomainEdit(errors=errors)
    return DomainEdit(definition=dump_definition(tool))


def _question(question: Mapping[str, Any], form: Mapping[str, str],
              prefix: str) -> dict[str, Any]:
    changed = {**question, "text": form.get(f"{prefix}_text", "").strip(),
               "hint": form.get(f"{prefix}_hint", "").strip(),
               "required": form.get(f"{prefix}_required") == "yes"}
    if question["type"] == "choice":
        changed["choices"] = lines(form.get(f"{prefix}_choices"))
    return changed


def _new_question(form: Mapping[str, str]) -> dict[str, Any]:
    question: dict[str, Any] = {
        "code": form.get(f"{NEW}_code", "").strip(), "text": form.get(f"{NEW}_text", "").strip(),
        "type": form.get(f"{NEW}_type", ""), "hint": form.get(f"{NEW}_hint", "").strip(),
        "required": form.get(f"{NEW}_required") == "yes",
    }
    if question["type"] == "choice" or lines(form.get(f"{NEW}_choices")):
        question["choices"] = lines(form.get(f"{NEW}_choices"))
    return question


PATH = re.compile(r"^domains\[(\d+)\](?:\.(\w+))?(?:\[(\d+)\])?(?:\.(\w+))?")
FIELD_NAMES = {"code": "code", "title": "title", "guidance": "guidance", "grading": "grading",
               "allow_not_applicable": "allow_not_applicable"}
QUESTION_FIELDS = {"text": "text", "hint": "hint", "choices": "choices", "code": "code",
                   "type": "type", "required": "required"}


def _field_for(path: str, index: int, prefixes: list[str]) -> str:
    """The form field a schema path belongs to, or the general slot at the top."""
    match = PATH.match(path)
    if not match or int(match.group(1)) != index:
        return GENERAL
    part, number, sub = match.group(2), match.group(3), match.group(4)
    if part in FIELD_NAMES:
        return FIELD_NAMES[part]
    if part == "descriptors":
        return f"descriptors_{sub}" if sub in GRADE_KEYS else GENERAL
    if part == "questions" and number is not None and int(number) < len(prefixes):
        prefix = prefixes[int(number)]
        name = QUESTION_FIELDS.get(sub or "", "text")
        if prefix != NEW and name in ("code", "type", "required"):
            return f"{prefix}_text"
        return f"{prefix}_{name}"
    return GENERAL


def _sentence(reason: str) -> str:
    """Marshmallow's wording as a GOV.UK error message."""
    reason = reason.strip()
    if between := re.fullmatch(r"Length must be between 1 and (\d+)\.", reason):
        return f"Enter this, in no more than {between.group(1)} characters."
    if reason in ("Shorter than minimum length 1.", "Missing data for required field.",
                  "Field may not be null."):
        return "Enter this: it cannot be empty."
    if reason.startswith("Must be one of:"):
        return "Choose one of the options."
    return reason


def save_domain(row: ToolVersion, index: int | None, form: Mapping[str, str],
                seen_lock: int | None) -> dict[str, str]:
    """Write the edited (or, with `index` None, added) domain into the draft row; the errors
    by field if it cannot be."""
    if row.status != "draft":
        return {GENERAL: "Only drafts can be changed; copy this version to a new draft."}
    if seen_lock != row.lock_version:
        return {GENERAL: STALE}
    result = apply_domain_form(json.loads(row.definition), index, form)
    if result.definition is None:
        return result.errors
    problems = _identity_problems(row, result.definition["key"], result.definition["version"])
    if problems:
        return {GENERAL: problems[0][1]}
    row.definition = to_json(result.definition)
    return {}


def remove_domain(row: ToolVersion, index: int, seen_lock: int | None) -> str | None:
    """Take a domain out of a draft; the reason if it cannot be."""
    if row.status != "draft":
        return "Only drafts can be changed; copy this version to a new draft."
    if seen_lock != row.lock_version:
        return STALE
    definition = json.loads(row.definition)
    if len(definition["domains"]) == 1:
        return "A tool needs at least one domain: add another before removing this one."
    del definition["domains"][index]
    tool, problems = validate_definition(definition)
    if tool is None:
        return problems[0][1]
    row.definition = to_json(dump_definition(tool))
    return None


DETAIL_FIELDS = ("title", "description", "overall_rule")


def detail_values(definition: Mapping[str, Any]) -> dict[str, str]:
    return {"title": definition["title"], "description": definition.get("description", ""),
            "overall_rule": definition.get("overall_rule", "limiting_judgement"),
            "limiting": "yes" if definition.get("limiting", True) else ""}


def save_details(row: ToolVersion, form: Mapping[str, str],
                 seen_lock: int | None) -> dict[str, str]:
    """Change a draft's title, description and overall-grade rule; the errors by field."""
    if row.status != "draft":
        return {GENERAL: "Only drafts can be changed; copy this version to a new draft."}
    if seen_lock != row.lock_version:
        return {GENERAL: STALE}
    definition = json.loads(row.definition)
    definition.update({name: form.get(name, "").strip() for name in DETAIL_FIELDS})
    # The limiting judgement and lowest rules always limit; the others limit when asked.
    always = definition["overall_rule"] in ("limiting_judgement", "lowest")
    definition["limiting"] = always or form.get("limiting") == "yes"
    tool, problems = validate_definition(definition)
    if tool is None:
        errors: dict[str, str] = {}
        for path, reason in problems:
            name = path if path in DETAIL_FIELDS else GENERAL
            errors.setdefault(name, _sentence(reason))
        return errors
    row.definition = to_json(dump_definition(tool))
    row.title = tool.title
    return {}


def question_type_options() -> list[tuple[str, str]]:
    return [("", "Choose a type"), *QUESTION_TYPES.items()]
