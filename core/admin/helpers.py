"""Small pieces the admin views share: loading objects, choices and errors on fields."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectChoice

from core.extensions import db
from core.identity.access import require


def actor() -> Any:
    """The signed-in person as a plain object (the reach helpers take a user or None)."""
    return current_user._get_current_object()


def load(model: type, object_id: int, permission: str) -> Any:
    """The object, if it exists and the user may use `permission` on it; 404 otherwise."""
    obj = db.get_or_404(model, object_id)
    require(permission, obj)
    return obj


def submitted_and_valid(form: FlaskForm, *checks: Callable[[], bool]) -> bool:
    """Validate the form and run every extra check, so all errors show at once."""
    if not form.is_submitted():
        return False
    valid = form.validate()
    for check in checks:
        valid = check() and valid
    return valid


def optional_id(value: str | None) -> int | None:
    """An id chosen in a select ('' for none); anything else than digits is a bad request."""
    if value in (None, ""):
        return None
    if not str(value).isdigit():
        abort(404)
    return int(value)


def add_errors(form: FlaskForm, problems: dict[str, str], fields: dict[str, str] | None = None
               ) -> None:
    """Put problems found outside the form's own validators on the form's fields."""
    for where, message in problems.items():
        name = (fields or {}).get(where, where)
        getattr(form, name).errors.append(message)


def add_new_errors(form: FlaskForm, problems: dict[str, str]) -> None:
    """Like `add_errors`, but a field that already has an error keeps only that one."""
    add_errors(form, {name: message for name, message in problems.items()
                      if not getattr(form, name).errors})


def choices(items: list[Any], label: Any, blank: str | None = None) -> list[SelectChoice]:
    """Select options from objects: the id as value, `label(obj)` as text."""
    found = [SelectChoice(str(obj.id), label(obj)) for obj in items]
    return [SelectChoice("", blank), *found] if blank is not None else found
