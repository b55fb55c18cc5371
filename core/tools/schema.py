"""Marshmallow schemas for tool definitions, and error paths people can follow.

The same schema checks tool files at start-up and definitions edited in the admin pages, so a
definition that loads in one place loads in the other. Unknown fields are refused (a misspelt
`alow_not_applicable` would otherwise be silently ignored).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from core.tools.definition import (
    DOMAIN_GRADING,
    QUESTION_TYPES,
    AppliesTo,
    Descriptors,
    Domain,
    Question,
    Tool,
)
from core.tools.grading import OVERALL_RULES

KEY = validate.Regexp(
    r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$",
    error="Use lower-case words joined by dots, starting with the plugin key, "
          "like core.case_file_audit.",
)
CODE = validate.Regexp(
    r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,19}$",
    error="Use up to 20 letters, digits, dots, dashes or underscores, like A or A1.",
)
SLUG = validate.Regexp(r"^[a-z][a-z0-9_]{0,39}$", error="Use lower-case words joined by _.")


def _text(max_length: int, **kwargs: Any) -> fields.String:
    return fields.String(validate=validate.Length(min=1, max=max_length), **kwargs)


def _statements() -> fields.List:
    return fields.List(_text(500), required=True, validate=validate.Length(min=1))


class QuestionSchema(Schema):
    code = fields.String(required=True, validate=CODE)
    text = _text(1000, required=True)
    type = fields.String(required=True, validate=validate.OneOf(list(QUESTION_TYPES)))
    required = fields.Boolean(load_default=True)
    hint = fields.String(load_default="", validate=validate.Length(max=1000))
    choices = fields.List(_text(200), load_default=())

    @validates_schema
    def _choices_fit_the_type(self, data: dict[str, Any], **kwargs: Any) -> None:
        choices = data.get("choices") or ()
        if data["type"] == "choice" and len(choices) < 2:
            raise ValidationError("A choice question needs at least two choices.", "choices")
        if data["type"] != "choice" and choices:
            raise ValidationError("Only choice questions have choices.", "choices")
        if len(set(choices)) != len(choices):
            raise ValidationError("Each choice must be different.", "choices")

    @post_load
    def _make(self, data: dict[str, Any], **kwargs: Any) -> Question:
        return Question(**{**data, "choices": tuple(data["choices"])})


class DescriptorsSchema(Schema):
    outstanding = _statements()
    good = _statements()
    requires_improvement = _statements()
    inadequate = _statements()

    @post_load
    def _make(self, data: dict[str, Any], **kwargs: Any) -> Descriptors:
        return Descriptors(**{grade: tuple(items) for grade, items in data.items()})


class DomainSchema(Schema):
    code = fields.String(required=True, validate=CODE)
    title = _text(200, required=True)
    guidance = fields.String(load_default="", validate=validate.Length(max=5000))
    descriptors = fields.Nested(DescriptorsSchema, required=True)
    allow_not_applicable = fields.Boolean(load_default=False)
    grading = fields.String(load_default="grade", validate=validate.OneOf(list(DOMAIN_GRADING)))
    questions = fields.List(fields.Nested(QuestionSchema), required=True,
                            validate=validate.Length(min=1))

    @post_load
    def _make(self, data: dict[str, Any], **kwargs: Any) -> Domain:
        return Domain(**{**data, "questions": tuple(data["questions"])})


class AppliesToSchema(Schema):
    services = fields.List(fields.String(validate=SLUG), load_default=())
    cohorts = fields.List(fields.String(validate=SLUG), load_default=())

    @post_load
    def _make(self, data: dict[str, Any], **kwargs: Any) -> AppliesTo:
        return AppliesTo(tuple(data["services"]), tuple(data["cohorts"]))


class ToolSchema(Schema):
    key = fields.String(required=True, validate=[validate.Length(max=100), KEY])
    version = fields.Integer(strict=True, required=True, validate=validate.Range(min=1))
    title = _text(200, required=True)
    description = fields.String(load_default="", validate=validate.Length(max=5000))
    applies_to = fields.Nested(AppliesToSchema, load_default=AppliesTo)
    overall_rule = fields.String(load_default="limiting_judgement",
                                 validate=validate.OneOf(OVERALL_RULES))
    limiting = fields.Boolean(load_default=None)
    domains = fields.List(fields.Nested(DomainSchema), required=True,
                          validate=validate.Length(min=1))

    @validates_schema
    def _consistent(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data["overall_rule"] == "limiting_judgement" and data.get("limiting") is False:
            raise ValidationError("The limiting_judgement rule always limits; choose the "
                                  "auditor or mode rule to grade without it.", "limiting")
        errors = _duplicates("code", [(i, d.code) for i, d in enumerate(data["domains"])])
        for i, error in _duplicate_questions(data["domains"]).items():
            errors.setdefault(i, {}).update(error)
        if errors:
            raise ValidationError({"domains": errors})

    @post_load
    def _make(self, data: dict[str, Any], **kwargs: Any) -> Tool:
        limiting = data["limiting"]
        if limiting is None or data["overall_rule"] in ("limiting_judgement", "lowest"):
            limiting = data["overall_rule"] in ("limiting_judgement", "lowest")
        return Tool(**{**data, "limiting": limiting, "domains": tuple(data["domains"])})


def _duplicates(name: str, items: list[tuple[Any, str]]) -> dict[Any, Any]:
    """Errors at each repeat of a code, pointing back at the first use."""
    first: dict[str, Any] = {}
    errors: dict[Any, Any] = {}
    for where, code in items:
        if code in first:
            errors[where] = {name: [f"'{code}' is used twice (first at {first[code]})."]}
        else:
            first[code] = _where(where)
    return errors


def _where(where: Any) -> str:
    if isinstance(where, tuple):
        return f"domains[{where[0]}].questions[{where[1]}]"
    return f"domains[{where}]"


def _duplicate_questions(domains: Iterable[Domain]) -> dict[int, Any]:
    items = [((i, j), q.code) for i, d in enumerate(domains) for j, q in enumerate(d.questions)]
    errors: dict[int, Any] = {}
    for (i, j), error in _duplicates("code", items).items():
        errors.setdefault(i, {"questions": {}})["questions"][j] = error
    return errors


def flatten(messages: Any, path: str = "") -> list[tuple[str, str]]:
    """Marshmallow's nested error dict as (path, reason) pairs: `domains[2].questions[0].type`."""
    if isinstance(messages, dict):
        found: list[tuple[str, str]] = []
        for key, value in messages.items():
            found += flatten(value, _join(path, key))
        return found
    if isinstance(messages, list | tuple):
        return [pair for m in messages for pair in flatten(m, path)]
    return [(path, str(messages))]


def _join(path: str, key: Any) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    if key == "_schema":
        return path
    return f"{path}.{key}" if path else str(key)


def validate_definition(data: Any) -> tuple[Tool | None, list[tuple[str, str]]]:
    """Load a parsed definition: (the tool, []) or (None, [(path, reason), ...])."""
    if not isinstance(data, dict):
        return None, [("", "A tool definition must be a set of named fields (key, version, "
                           "title, domains...), not a list or a single value.")]
    try:
        return ToolSchema().load(data), []
    except ValidationError as exc:
        return None, flatten(exc.messages)


def dump_definition(tool: Tool) -> dict[str, Any]:
    """The tool as plain data with every default filled in: what the database keeps."""
    return ToolSchema().dump(tool)
