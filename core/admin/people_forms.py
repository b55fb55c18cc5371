"""Forms for people, their roles and the CSV import.

Agency, team and partnership choices are ids as strings ("" for none), filled by the views
with only what the administrator reaches; the views turn them into objects and check them.
"""

from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import Field, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from core.admin import widgets
from core.admin.accounts import normalise_email
from core.identity.roles import ROLES
from core.timeutil import to_london, utcnow


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class EndDateField(Field):
    """A GOV.UK date input (day, month, year) that may be left blank."""

    widget = widgets.DateInput()

    def _value(self) -> str:
        return self.data.strftime("%d %m %Y") if self.data else ""

    def process_formdata(self, valuelist: list[str]) -> None:
        parts = [v.strip() for v in valuelist]
        self.data = None
        if len(parts) != 3:  # the widget shows raw_data as day, month and year
            self.raw_data = None
        if not any(parts):
            return
        name = self.label.text.removesuffix(" (optional)")
        if len(parts) != 3 or not all(p.isdigit() for p in parts):
            raise ValueError(f"{name} must include a day, month and year in numbers")
        day, month, year = (int(p) for p in parts)
        try:
            self.data = date(year, month, day)
        except ValueError as exc:
            raise ValueError(f"{name} must be a real date") from exc


def _today() -> date:
    return to_london(utcnow()).date()


class NameEmailMixin:
    name = StringField(
        "Full name", filters=[_strip], widget=widgets.TextInput(),
        validators=[DataRequired("Enter their full name"),
                    Length(max=200, message="Full name must be 200 characters or fewer")],
    )
    email = StringField("Email address", filters=[_strip], widget=widgets.TextInput())

    def validate_email(self, field: StringField) -> None:
        try:
            field.data = normalise_email(field.data or "")
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc


def _role_choices() -> list[SelectChoice]:
    return [SelectChoice("", "Select a role"),
            *(SelectChoice(key, role.label) for key, role in ROLES.items())]


class RoleFieldsMixin:
    role = SelectField("Role", choices=_role_choices(), widget=widgets.SelectInput(),
                       validate_choice=False)
    agency = SelectField("Agency", widget=widgets.SelectInput(), validate_choice=False,
                         description="For roles in one agency")
    team = SelectField("Team (optional)", widget=widgets.SelectInput(), validate_choice=False)
    partnership = SelectField("Partnership", widget=widgets.SelectInput(),
                              validate_choice=False,
                              description="Only for partnership coordinators, board members "
                                          "and information-governance officers")
    line_manager_email = StringField(
        "Line manager's email address (optional)", filters=[_strip],
        widget=widgets.TextInput(),
    )

    def validate_role(self, field: SelectField) -> None:
        if field.data not in ROLES:
            raise ValidationError("Select a role")


class EndDateMixin:
    expires_on = EndDateField(
        "Account end date (optional)",
        description="The account stops working after this day, for example 31 3 2027",
    )

    def validate_expires_on(self, field: EndDateField) -> None:
        if field.data is not None and field.data < _today():
            raise ValidationError("Account end date must be today or in the future")


class PersonForm(NameEmailMixin, RoleFieldsMixin, EndDateMixin, FlaskForm):
    """A new person and their first role."""


class PersonEditForm(NameEmailMixin, EndDateMixin, FlaskForm):
    """A person's own details (roles are changed on their page)."""


class RoleForm(RoleFieldsMixin, FlaskForm):
    """Another role for an existing person."""


class ImportForm(FlaskForm):
    file = FileField("Upload a CSV file", widget=widgets.FileInput())
