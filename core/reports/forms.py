"""The report chooser (which report, which period) and the partnership's report settings.

Choices depend on who asks: the views fill in the places a person may see. Dates are GOV.UK
date inputs (day, month, year); each problem is reported on the field it belongs to.
"""

from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, RadioField, SelectChoice, SelectField, StringField
from wtforms.validators import ValidationError

from core.admin import widgets
from core.reports.models import REPORTABLE_STAGES
from core.reports.sections import PERIOD_KINDS
from core.tools.models import GRADE_STAGES

EARLIEST = date(2000, 1, 1)
LONGEST_DAYS = 5 * 366


class GovDateField(Field):
    """A GOV.UK date input (day, month, year). Blank is allowed here; the form decides when a
    date is needed, so the message can say which one."""

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
        name = self.label.text
        if len(parts) != 3 or not all(parts):
            raise ValueError(f"{name} must include a day, month and year")
        if not all(p.isdigit() for p in parts):
            raise ValueError(f"{name} must be a real date, in numbers")
        day, month, year = (int(p) for p in parts)
        try:
            self.data = date(year, month, day)
        except ValueError as exc:
            raise ValueError(f"{name} must be a real date") from exc
        if self.data < EARLIEST:
            raise ValueError(f"{name} must be in 2000 or later")


class ReportChoiceForm(FlaskForm):
    """Sent by GET (choosing a report changes nothing), so no CSRF token."""

    class Meta:
        csrf = False

    place = SelectField("Report for", widget=widgets.SelectInput(), validate_choice=False,
                        description="The whole partnership, one agency, or one team")
    period = RadioField(
        "Period", widget=widgets.RadioInput(), validate_choice=False,
        choices=[SelectChoice(k, v) for k, v in PERIOD_KINDS.items()],
        description="Quarters and years run from 1 April, as the financial year does",
    )
    start = GovDateField("Start date",
                         description="Any day in the month, quarter or year you want, or the "
                                     "first day of custom dates. For example, 1 4 2025")
    end = GovDateField("End date", description="For custom dates only: the last day to include")

    def validate_period(self, field: RadioField) -> None:
        if field.data not in PERIOD_KINDS:
            raise ValidationError("Select the period the report covers")

    def validate_start(self, field: GovDateField) -> None:
        if field.data is None and not field.errors:
            raise ValidationError("Enter the start date")

    def validate_end(self, field: GovDateField) -> None:
        if self.period.data != "custom" or field.errors:
            return
        if field.data is None:
            raise ValidationError("Enter the end date for custom dates")
        if self.start.data and field.data < self.start.data:
            raise ValidationError("End date must be the same as or after the start date")
        if self.start.data and (field.data - self.start.data).days > LONGEST_DAYS:
            raise ValidationError("End date must be within 5 years of the start date")


class ReportSettingsForm(FlaskForm):
    version = HiddenField()  # the row version the person saw (a stale save is refused)
    completion_target = StringField(
        "Completion target (%)", widget=widgets.TextInput(),
        description="The share of allocated audits that should be completed in each period",
    )
    grade_stage = RadioField(
        "Grades to report", widget=widgets.RadioInput(), validate_choice=False,
        choices=[SelectChoice(s, GRADE_STAGES[s]) for s in REPORTABLE_STAGES],
        description="Use the grades after the practitioner conversation if your auditors grade "
                    "again after it",
    )

    def validate_completion_target(self, field: StringField) -> None:
        text = (field.data or "").strip().removesuffix("%").strip()
        if not text:
            raise ValidationError("Enter the completion target")
        if not text.isdigit() or not 1 <= int(text) <= 100:
            raise ValidationError("Completion target must be a whole number from 1 to 100")
        field.data = text

    def validate_grade_stage(self, field: RadioField) -> None:
        if field.data not in REPORTABLE_STAGES:
            raise ValidationError("Select which grades reports count")
