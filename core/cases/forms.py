"""Forms of the case pages. They read what was sent; the rules live in `service` and `reveal`
(shared with the CSV import), and the templates render GOV.UK markup from the errors dict the
views build, so every message names its field the same way on the page and in an import."""

from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField, TextAreaField

WITHHELD_BASES: dict[str, str] = {
    "not_necessary": "Sharing it is not necessary for the audit",
    "not_justified": "Sharing it is not justified",
    "significant_harm": "Sharing it would cause significant harm or distress",
}
DISABILITY = {"yes": "Yes", "no": "No", "": "Not known"}
CLEARABLE = {"nhs_number": "Remove the NHS number", "alias": "Remove the 'also known as' name"}


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class DateParts:
    """Reads a GOV.UK date input (day, month, year boxes) into text the service parses."""

    @staticmethod
    def text(day: str | None, month: str | None, year: str | None) -> tuple[str, str | None]:
        """(text for the service, or an error message for a partly filled date)."""
        parts = [(p or "").strip() for p in (day, month, year)]
        if not any(parts):
            return "", None
        missing = [name for name, part in zip(("day", "month", "year"), parts, strict=True)
                   if not part]
        if missing:
            return "", f"Date of birth must include a {' and '.join(missing)}"
        if not all(p.isdigit() for p in parts) or len(parts[2]) != 4:
            return "", "Date of birth must be a real date, like 27 3 2012"
        try:
            return date(int(parts[2]), int(parts[1]), int(parts[0])).isoformat(), None
        except ValueError:
            return "", "Date of birth must be a real date, like 27 3 2012"


class IdentityFields(FlaskForm):
    name = StringField("Full name", filters=[_strip])
    dob_day = StringField("Day", filters=[_strip])
    dob_month = StringField("Month", filters=[_strip])
    dob_year = StringField("Year", filters=[_strip])
    record_id = StringField("Council case-record id", filters=[_strip])
    nhs_number = StringField("NHS number (optional)", filters=[_strip])
    alias = StringField("Also known as (optional)", filters=[_strip])

    def birth_text(self) -> tuple[str, str | None]:
        return DateParts.text(self.dob_day.data, self.dob_month.data, self.dob_year.data)


class CaseForm(IdentityFields):
    """Choices are offered by the template and checked by the service (not by WTForms)."""

    partnership = StringField("Partnership")
    agency = StringField("Agency that owns the case")
    cohort = StringField("Cohort or legal status")
    sex = StringField("Sex or gender (optional)")
    ethnicity = StringField("Ethnicity (optional)")
    disability = StringField("Disability", default="")
    team = StringField("Allocated team (optional)")
    practitioner = StringField("Allocated practitioner's email address (optional)",
                               filters=[_strip])

    def identity(self) -> dict[str, str | None]:
        return {"name": self.name.data, "date_of_birth": self.birth_text()[0],
                "record_id": self.record_id.data, "nhs_number": self.nhs_number.data,
                "alias": self.alias.data}

    def attributes(self) -> dict[str, str | None]:
        return {"cohort": self.cohort.data, "sex": self.sex.data,
                "ethnicity": self.ethnicity.data, "disability": self.disability.data,
                "team_id": self.team.data, "practitioner": self.practitioner.data}


class IdentityForm(IdentityFields):
    """Change identity: blank fields stay as they are (current values are never shown here)."""

    clear = SelectMultipleField("Remove", validate_choice=False)

    def changes(self) -> dict[str, str | None]:
        """Field -> new value for every field given, and None for each one to remove."""
        given = {"name": self.name.data, "date_of_birth": self.birth_text()[0],
                 "record_id": self.record_id.data, "nhs_number": self.nhs_number.data,
                 "alias": self.alias.data}
        changes: dict[str, str | None] = {f: v for f, v in given.items() if v}
        for field in self.clear.data or []:
            if field in CLEARABLE and field not in changes:
                changes[field] = None
        return changes


class RevealForm(FlaskForm):
    reason = StringField("Why do you need to see this child's identity?")
    reason_text = TextAreaField("Explain the reason", filters=[_strip])


class WithheldForm(FlaskForm):
    agency = StringField("On behalf of")
    basis = StringField("Why was the information withheld?")
    decided_by = StringField("Who decided (role or title)", filters=[_strip])
    context = StringField("Which audit or activity (optional)", filters=[_strip])

    def problems(self, agency_ids: set[int]) -> dict[str, str]:
        errors: dict[str, str] = {}
        if not (self.agency.data or "").isdigit() or int(self.agency.data) not in agency_ids:
            errors["agency"] = "Select your agency"
        if self.basis.data not in WITHHELD_BASES:
            errors["basis"] = "Select why the information was withheld"
        if not self.decided_by.data:
            errors["decided_by"] = "Enter the role or title of the person who decided"
        elif len(self.decided_by.data) > 200:
            errors["decided_by"] = "Who decided must be 200 characters or fewer"
        if self.context.data and len(self.context.data) > 100:
            errors["context"] = "Audit or activity must be 100 characters or fewer"
        return errors
