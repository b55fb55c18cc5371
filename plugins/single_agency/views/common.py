"""Small helpers the page modules share."""

from __future__ import annotations

import secrets
from typing import Any

from flask import render_template

from core.toolkit import current_user

CONFLICT = ("Someone else saved this since you opened the page, so your changes have not been "
            "saved. What you typed is shown below: check it against the current version and "
            "save again.")


def me() -> Any:
    return current_user._get_current_object()


def rng() -> secrets.SystemRandom:
    """Random draws in service use the operating system's generator."""
    return secrets.SystemRandom()


def page(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    context.setdefault("errors", {})
    context.setdefault("conflict", None)
    return render_template(f"single_agency/{template}", **context), status


def status_for(errors: dict, conflict: bool = False) -> int:
    if conflict:
        return 409
    return 400 if errors else 200
