"""Forms for partnerships, agencies and teams (people forms are in `people_forms`).

Choices that depend on who is asking (which partnerships, which teams) are filled in by the
views; the forms only say what a well-formed answer looks like. Rules that need the database
(unique names, reach) are checked in the views, which put the message on the field.
"""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from core.admin import widgets
from core.identity.roles import AGENCY_TYPES

# Services and teams inside children's services (DOMAIN.md, "Who").
SERVICE_AREAS: dict[str, str] = {
    "mash": "MASH (multi-agency safeguarding hub)",
    "assessment": "Assessment",
    "safeguarding_support": "Safeguarding and support",
    "children_in_care": "Children in care",
    "care_leavers": "Care leavers",
    "fostering": "Fostering",
    "court": "Court",
    "disabled_children": "Disabled children",
    "early_help": "Early help",
    "exploitation": "Exploitation",
    "youth_justice": "Youth justice",
    "other": "Other",
}

PREFIX = re.compile(r"[A-Z]{2,4}")


def _upper_strip(value: str | None) -> str | None:
    return value.strip().upper() if isinstance(value, str) else value


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class PartnershipForm(FlaskForm):
    name = StringField(
        "Partnership name", filters=[_strip], widget=widgets.TextInput(),
        validators=[DataRequired("Enter the partnership name"),
                    Length(max=200, message="Partnership name must be 200 characters or fewer")],
    )
    code_prefix = StringField(
        "Case code prefix", filters=[_upper_strip], widget=widgets.TextInput(),
        description="2 to 4 capital letters that start every case code, for example NB",
        validators=[DataRequired("Enter the case code prefix")],
    )

    def validate_code_prefix(self, field: StringField) -> None:
        if not PREFIX.fullmatch(field.data or ""):
            raise ValidationError("Case code prefix must be 2 to 4 capital letters, like NB")


class AgencyForm(FlaskForm):
    name = StringField(
        "Agency name", filters=[_strip], widget=widgets.TextInput(),
        validators=[DataRequired("Enter the agency name"),
                    Length(max=200, message="Agency name must be 200 characters or fewer")],
    )
    type = RadioField(
        "Type of agency", widget=widgets.RadioInput(),
        choices=[SelectChoice(k, v) for k, v in AGENCY_TYPES.items()],
        validators=[InputRequired("Select the type of agency")],
        validate_choice=False,
    )
    partnerships = SelectMultipleField(
        "Partnerships", coerce=int, widget=widgets.CheckboxesInput(), validate_choice=False,
        description="Select every partnership the agency belongs to",
    )
    active = BooleanField("The agency is active", default=True, widget=widgets.CheckboxInput())

    def validate_type(self, field: RadioField) -> None:
        if field.data not in AGENCY_TYPES:
            raise ValidationError("Select the type of agency")


class TeamForm(FlaskForm):
    name = StringField(
        "Team name", filters=[_strip], widget=widgets.TextInput(),
        validators=[DataRequired("Enter the team name"),
                    Length(max=200, message="Team name must be 200 characters or fewer")],
    )
    service_area = SelectField(
        "Service area", choices=[SelectChoice("", "Select a service area"),
                 *(SelectChoice(k, v) for k, v in SERVICE_AREAS.items())],
        widget=widgets.SelectInput(), validate_choice=False,
    )
    parent = SelectField("Part of (optional)", widget=widgets.SelectInput(),
                         validate_choice=False,
                         description="The larger team or service this team sits within")

    def validate_service_area(self, field: SelectField) -> None:
        if field.data not in SERVICE_AREAS:
            raise ValidationError("Select a service area")
