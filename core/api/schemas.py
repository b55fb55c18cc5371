"""Marshmallow schemas of core's API answers. Identity fields never appear in any of them."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class AgencySchema(Schema):
    id = fields.Integer()
    name = fields.String()
    type = fields.String()


class MeSchema(Schema):
    email = fields.String()
    name = fields.String()
    agency = fields.Nested(AgencySchema)
    roles = fields.List(fields.String())
    token_expires_at = fields.DateTime()


class CaseSchema(Schema):
    """A case as a partner agency sees it: the code and non-identifying attributes."""

    code = fields.String()
    agency = fields.String(attribute="agency.name")
    age_band = fields.String(allow_none=True)
    sex = fields.String(allow_none=True)
    ethnicity = fields.String(allow_none=True)
    disability = fields.Boolean(allow_none=True)
    cohort = fields.String(allow_none=True)
    created_at = fields.DateTime()


class CaseQuerySchema(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1),
                          metadata={"description": "Page number, from 1"})
