"""Marshmallow schemas of the partner API. Case codes only: no identity field exists here."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from core.toolkit import GRADES, NOT_APPLICABLE, WITHHELD_BASES

GRADE_KEYS = [g.value for g in GRADES]
RETURN_STATUSES = ["not_started", "draft", "reopen_requested", "submitted"]
TEXT = validate.Length(max=10000)


class AssignedCaseOut(Schema):
    audit = fields.String(metadata={"description": "The audit's reference"})
    audit_title = fields.String()
    audit_status = fields.String()
    theme = fields.String()
    case = fields.String(metadata={"description": "The case code (never identity)"})
    cohort = fields.String(allow_none=True)
    age_band = fields.String(allow_none=True)
    submission_deadline = fields.Date(allow_none=True)
    agency = fields.String()
    return_status = fields.String(validate=validate.OneOf(RETURN_STATUSES))
    blocked = fields.String(allow_none=True, metadata={
        "description": "Why you cannot complete this return now, if you cannot"})


class QuestionOut(Schema):
    code = fields.String()
    text = fields.String()
    type = fields.String()
    required = fields.Boolean()
    hint = fields.String()
    choices = fields.List(fields.String())


class DomainOut(Schema):
    code = fields.String()
    title = fields.String()
    guidance = fields.String()
    allow_not_applicable = fields.Boolean()
    descriptors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))
    questions = fields.List(fields.Nested(QuestionOut))


class ToolOut(Schema):
    key = fields.String()
    version = fields.Integer()
    title = fields.String()
    description = fields.String()
    domains = fields.List(fields.Nested(DomainOut))


class AgencyToolOut(Schema):
    audit = fields.String()
    agency = fields.String()
    core = fields.Nested(ToolOut)
    section = fields.Nested(ToolOut, allow_none=True)
    grades = fields.List(fields.String(), metadata={
        "description": f"Grade keys, best first; '{NOT_APPLICABLE}' where a domain allows it"})
    overall_rule = fields.String()


def _not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("Enter the role or title of the person who decided.")


class WithheldIn(Schema):
    """A fact recorded once: sending the same basis and decider again records nothing new."""

    basis = fields.String(required=True, validate=validate.OneOf(list(WITHHELD_BASES)))
    decided_by = fields.String(required=True,
                               validate=[validate.Length(min=1, max=200), _not_blank])


class WithheldOut(Schema):
    basis = fields.String()
    decided_by = fields.String()
    recorded_at = fields.DateTime()


class ReturnIn(Schema):
    """A draft or a submission. Omitted grades and answers are left unanswered."""

    no_involvement = fields.Boolean(load_default=False, metadata={
        "description": "Your agency had no involvement with the child"})
    grades = fields.Dict(keys=fields.String(validate=validate.Length(min=1, max=20)),
                         values=fields.String(validate=validate.Length(max=30)),
                         load_default=dict, metadata={"description": "Domain code → grade"})
    answers = fields.Dict(keys=fields.String(validate=validate.Length(min=1, max=20)),
                          values=fields.String(validate=validate.Length(max=4000)),
                          load_default=dict, metadata={"description": "Question code → answer"})
    overall = fields.String(allow_none=True, load_default=None,
                            validate=validate.OneOf(GRADE_KEYS))
    override = fields.String(allow_none=True, load_default=None,
                             validate=validate.OneOf(GRADE_KEYS), metadata={
                                 "description": "Overrides the limiting judgement; give a reason"})
    override_reason = fields.String(allow_none=True, load_default=None,
                                    validate=validate.Length(max=2000))
    evidence = fields.String(allow_none=True, load_default=None, validate=TEXT)
    what_worked = fields.String(allow_none=True, load_default=None, validate=TEXT)
    what_did_not = fields.String(allow_none=True, load_default=None, validate=TEXT)
    withheld = fields.List(fields.Nested(WithheldIn), load_default=list,
                           validate=validate.Length(max=20))
    submit = fields.Boolean(load_default=False, metadata={
        "description": "Submit the return (it must then be complete)"})
    version = fields.Integer(allow_none=True, load_default=None, strict=True, metadata={
        "description": "The version you read; a stale one is refused with 409"})


class ReopenRequestOut(Schema):
    """A pending request to the coordinator to reopen a submitted return."""

    reason = fields.String()
    requested_at = fields.DateTime()


class ReturnOut(Schema):
    audit = fields.String()
    case = fields.String()
    agency = fields.String()
    status = fields.String(validate=validate.OneOf(RETURN_STATUSES))
    no_involvement = fields.Boolean()
    grades = fields.Dict(keys=fields.String(), values=fields.String())
    answers = fields.Dict(keys=fields.String(), values=fields.String())
    overall_chosen = fields.String(allow_none=True)
    overall = fields.String(allow_none=True)
    limited = fields.Boolean()
    override_reason = fields.String(allow_none=True)
    evidence = fields.String(allow_none=True)
    what_worked = fields.String(allow_none=True)
    what_did_not = fields.String(allow_none=True)
    withheld = fields.List(fields.Nested(WithheldOut))
    updated_at = fields.DateTime(allow_none=True)
    submitted_at = fields.DateTime(allow_none=True)
    reopen_request = fields.Nested(ReopenRequestOut, allow_none=True, metadata={
        "description": "Your pending request to reopen the submitted return, if any"})
    version = fields.Integer(allow_none=True)
    practitioner_feedback_on = fields.Date(allow_none=True, metadata={
        "description": "When the auditor gave the practitioner feedback on the audit"})
    tool_versions = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={
        "description": "The tool versions the return was started on (tool key: version); "
                       "fetch them with the tool endpoint's `case` parameter"})


class ToolQuery(Schema):
    case = fields.String(load_default=None, validate=validate.Length(min=1, max=40), metadata={
        "description": "A case code: the tool versions your agency's return on it was started "
                       "on (the current versions if it is not started)"})


class ReturnStatusOut(Schema):
    case = fields.String()
    status = fields.String(validate=validate.OneOf(RETURN_STATUSES))
    submitted_at = fields.DateTime(allow_none=True)
    reopen_request = fields.Nested(ReopenRequestOut, allow_none=True)
    blocked = fields.String(allow_none=True)


class DeclarationIn(Schema):
    """The auditor's declaration on one case, as on the declarations page."""

    conflict = fields.Boolean(load_default=None, allow_none=True, metadata={
        "description": "Required. true: you had casework involvement with the case (a "
                       "conflict of interest, which blocks you on it and cannot be "
                       "withdrawn); false: you had none"})


class DeclarationOut(Schema):
    audit = fields.String()
    case = fields.String()
    agency = fields.String()
    conflict = fields.Boolean()
    declared_at = fields.DateTime()
    blocked = fields.String(allow_none=True, metadata={
        "description": "Why you cannot complete this case's return now, if you cannot"})


class ReopenRequestIn(Schema):
    reason = fields.String(load_default=None, allow_none=True, metadata={
        "description": "Why the submitted return needs to change (10 to 2000 characters)"})
