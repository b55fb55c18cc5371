"""Reading submitted forms: each problem becomes a message for its field, as GOV.UK's error
summary pattern expects. Only the fields named here are ever read from a form."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, time
from typing import Any

TEXT_MAX = 5000


class Invalid(ValueError):
    """The form has problems: `errors` maps each field to its message."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(self.errors.values()))


def text(form: Mapping[str, Any], name: str, label: str, errors: dict[str, str], *,
         required: bool = True, limit: int = TEXT_MAX) -> str | None:
    value = (form.get(name) or "").strip()
    if not value:
        if required:
            errors[name] = f"Enter {label}"
        return None
    if len(value) > limit:
        errors[name] = f"{label[0].upper()}{label[1:]} must be {limit} characters or fewer"
    return value


def day(form: Mapping[str, Any], name: str, label: str, errors: dict[str, str], *,
        required: bool = True) -> date | None:
    """A GOV.UK date input (`<name>-day`, `-month`, `-year`)."""
    parts = [(form.get(f"{name}-{p}") or "").strip() for p in ("day", "month", "year")]
    if not any(parts):
        if required:
            errors[name] = f"Enter {label}"
        return None
    try:
        d, m, y = (int(p) for p in parts)
        if y < 2000:
            raise ValueError
        return date(y, m, d)
    except ValueError:
        errors[name] = f"{label[0].upper()}{label[1:]} must be a real date, like 12 3 2026"
        return None


def clock_time(form: Mapping[str, Any], name: str, label: str,
               errors: dict[str, str]) -> time | None:
    """A 24-hour time such as 09:30 or 14:00."""
    value = (form.get(name) or "").strip()
    if not value:
        errors[name] = f"Enter {label}"
        return None
    try:
        hours, minutes = value.replace(".", ":").split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        errors[name] = f"{label[0].upper()}{label[1:]} must be a 24-hour time, like 09:30"
        return None


def choice(form: Mapping[str, Any], name: str, options: Mapping[str, str], message: str,
           errors: dict[str, str]) -> str | None:
    value = form.get(name) or ""
    if value not in options:
        errors[name] = message
        return None
    return value


def number(form: Mapping[str, Any], name: str, allowed: Mapping[int, Any], message: str,
           errors: dict[str, str]) -> Any:
    """An id picked from a list the page offered (anything else is refused)."""
    try:
        return allowed[int(form.get(name) or "")]
    except (ValueError, KeyError):
        errors[name] = message
        return None


def date_parts(value: date | None, name: str) -> dict[str, str]:
    """A stored date as the values of a GOV.UK date input."""
    if value is None:
        return {}
    return {f"{name}-day": str(value.day), f"{name}-month": str(value.month),
            f"{name}-year": str(value.year)}


def check_version(form: Mapping[str, Any], record: Any) -> None:
    """Refuse a save based on an older copy of the record (optimistic locking)."""
    from sqlalchemy.orm.exc import StaleDataError

    if str(record.version) != (form.get("version") or ""):
        raise StaleDataError("The record changed since the form was opened.")
