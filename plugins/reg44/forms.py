"""Reading what a form sent, field by field, into clean values and a message per bad field.

The service functions take clean values and raise `Invalid` with the same kind of messages, so
a page shows every problem at once in a GOV.UK error summary whose links point at the fields.
Messages never repeat what was typed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from werkzeug.datastructures import MultiDict


class Invalid(ValueError):
    """What is wrong, per field (the field name is the form field's id)."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("Not valid: " + ", ".join(sorted(self.errors)))


class Conflict(RuntimeError):
    """Someone else saved the same record since this person opened it."""


class Reader:
    """Reads one submitted form; each method returns the clean value and notes any error."""

    def __init__(self, form: MultiDict | Mapping[str, Any]) -> None:
        self.form = form if isinstance(form, MultiDict) else MultiDict(form)
        self.errors: dict[str, str] = {}

    def raw(self, name: str) -> str:
        return " ".join(str(self.form.get(name, "") or "").split())

    def text(self, name: str, label: str, *, limit: int = 200, required: bool = True,
             multiline: bool = False) -> str | None:
        value = str(self.form.get(name, "") or "").strip() if multiline else self.raw(name)
        if not value:
            if required:
                self.errors[name] = f"Enter {label}"
            return None
        if len(value) > limit:
            self.errors[name] = f"{label[0].upper()}{label[1:]} must be {limit} characters or fewer"
        return value

    def choice(self, name: str, options: Mapping[str, Any], message: str, *,
               required: bool = True) -> str | None:
        value = self.raw(name)
        if value in options:
            return value
        if value or required:
            self.errors[name] = message
        return None

    def choices(self, name: str, options: Mapping[str, Any], message: str) -> list[str]:
        values = [v for v in self.form.getlist(name) if v]
        if any(v not in options for v in values):
            self.errors[name] = message
        return [key for key in options if key in values]

    def number(self, name: str, label: str, low: int, high: int, *,
               required: bool = True) -> int | None:
        value = self.raw(name)
        if not value:
            if required:
                self.errors[name] = f"Enter {label}"
            return None
        if not value.isdigit() or not low <= int(value) <= high:
            self.errors[name] = f"{label[0].upper()}{label[1:]} must be a whole number from " \
                                f"{low} to {high}"
            return None
        return int(value)

    def date(self, name: str, label: str, *, required: bool = True,
             not_after: date | None = None) -> date | None:
        """A GOV.UK date input: fields `<name>-day`, `<name>-month`, `<name>-year`."""
        parts = [self.raw(f"{name}-{p}") for p in ("day", "month", "year")]
        if not any(parts):
            if required:
                self.errors[name] = f"Enter {label}"
            return None
        missing = [p for p, v in zip(("day", "month", "year"), parts, strict=True) if not v]
        if missing:
            self.errors[name] = f"{label[0].upper()}{label[1:]} must include a " \
                                f"{' and '.join(missing)}"
            return None
        value = _real_date(parts)
        if value is None:
            self.errors[name] = f"{label[0].upper()}{label[1:]} must be a real date, " \
                                "like 27 3 2026"
        elif not_after is not None and value > not_after:
            self.errors[name] = f"{label[0].upper()}{label[1:]} must be today or in the past"
        return value

    def version(self) -> int | None:
        value = self.raw("version")
        return int(value) if value.isdigit() else None

    def check(self) -> None:
        if self.errors:
            raise Invalid(self.errors)


def _real_date(parts: list[str]) -> date | None:
    day, month, year = parts
    if not (day.isdigit() and month.isdigit() and year.isdigit() and len(year) == 4):
        return None
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def date_parts(value: date | None) -> dict[str, str]:
    """A stored date as the three boxes of a GOV.UK date input."""
    if value is None:
        return {"day": "", "month": "", "year": ""}
    return {"day": str(value.day), "month": str(value.month), "year": str(value.year)}
