"""Reading the programme settings form. Audit sections are read by `grading.py` and the
services themselves, so the rules for a field live next to what they protect."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from werkzeug.datastructures import MultiDict

from core.toolkit import ToolNotFound, get_tool
from plugins.single_agency.settings import AUDITOR_ROLES, DEFAULTS, MODERATION_RULES, problems

NUMBERS = ("year_start_month", "cycles_per_year", "sample_per_team", "exclude_recent_months",
           "max_per_auditor", "reaudit_after_months", "reaudit_max_rounds")


def programme_values(programme: Any) -> dict[str, Any]:
    return {key: getattr(programme, key) for key in DEFAULTS} | {"active": programme.active}


def read_programme(form: MultiDict, areas: list[str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The settings as typed, and what is wrong with them."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {k: _number(form, k, errors) for k in NUMBERS}
    values["paused_months"] = _months(form.getlist("paused_months"))
    values["practice_week_months"] = _months(form.getlist("practice_week_months"))
    values["auditor_roles"] = [r for r in AUDITOR_ROLES if r in form.getlist("auditor_roles")]
    values["quotas"] = {r: _number(form, f"quota-{r}", errors, default=0) for r in AUDITOR_ROLES}
    values["quotas"] = {r: n for r, n in values["quotas"].items() if n}
    values["require_expertise"] = form.get("require_expertise") == "yes"
    values["hos_review_inadequate"] = form.get("hos_review_inadequate") == "yes"
    values["inadequate_share_warning"] = _number(form, "inadequate_share_warning", errors,
                                                 default=DEFAULTS["inadequate_share_warning"])
    values["active"] = form.get("active", "yes") == "yes"
    values["moderation_rule"] = form.get("moderation_rule", "")
    values["default_tool"] = form.get("default_tool", "")
    values["service_tools"] = {a: form.get(f"tool-{a}") for a in areas if form.get(f"tool-{a}")}
    if not values["auditor_roles"]:
        errors["auditor_roles"] = "Select at least one role that carries out audits"
    if not errors:
        errors |= problems(values)
    errors |= _tool_problems(values)
    return values, errors


def _number(form: Mapping[str, str], name: str, errors: dict[str, str],
            default: int | None = None) -> int:
    raw = (form.get(name) or "").strip()
    if not raw and default is not None:
        return default
    if not raw.isdigit():
        errors[name] = "Enter a whole number"
        return 0
    return int(raw)


def _months(values: list[str]) -> list[int]:
    return sorted({int(v) for v in values if v.isdigit() and 1 <= int(v) <= 12})


def _tool_problems(values: dict[str, Any]) -> dict[str, str]:
    found = {}
    for field, key in [("default_tool", values["default_tool"]),
                       *((f"tool-{a}", k) for a, k in values["service_tools"].items())]:
        try:
            get_tool(key)
        except ToolNotFound:
            found[field] = "Select an audit tool from the list"
    return found


MODERATION_OPTIONS = list(MODERATION_RULES.items())
