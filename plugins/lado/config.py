"""Settings: deployment defaults (config key `LADO`) and each partnership's own values.

Targets are UK working days from the referral date. Defaults follow common LADO practice:
an initial decision by the next working day, a strategy discussion within 5 working days, and an
outcome within about three months (65 working days); a referral still open after about six
months (130 working days) is long-running. The annual sample is 10% of the year's referrals,
stratified by sector. A partnership may change any of these on the settings page.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from core.toolkit import db, plugin_config, utcnow
from plugins.lado.models import LadoSetting

SAMPLE_MODES = {"percentage": "A percentage of the referrals", "number": "A number of referrals"}
DEFAULTS: dict[str, Any] = {
    "decision_days": 1,
    "strategy_days": 5,
    "outcome_days": 65,
    "long_running_days": 130,
    "sample_mode": "percentage",
    "sample_value": 10,
    "reveal_minutes": 15,
}
LIMITS = {"decision_days": (0, 60), "strategy_days": (0, 60), "outcome_days": (1, 520),
          "long_running_days": (1, 1040)}


@dataclass(frozen=True)
class Settings:
    decision_days: int
    strategy_days: int
    outcome_days: int
    long_running_days: int
    sample_mode: str
    sample_value: int


def defaults() -> dict[str, Any]:
    """Built-in defaults overridden by the deployment's `LADO` config mapping."""
    return {**DEFAULTS, **plugin_config("lado")}


def settings_for(partnership_id: int) -> Settings:
    row = db.session.get(LadoSetting, partnership_id)
    base = defaults()
    names = [f.name for f in fields(Settings)]
    if row is None:
        return Settings(**{n: base[n] for n in names})
    return Settings(**{n: getattr(row, n) for n in names})


def reveal_minutes() -> int:
    return int(defaults()["reveal_minutes"])


def clean_settings(form: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """Validated values from the settings form, and a message per bad field."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, (low, high) in LIMITS.items():
        values[name] = _whole(form.get(name, ""), low, high, name, errors)
    mode = form.get("sample_mode", "")
    if mode not in SAMPLE_MODES:
        errors["sample_mode"] = "Select how the annual sample is sized"
    values["sample_mode"] = mode
    high = 100 if mode == "percentage" else 10_000
    values["sample_value"] = _whole(form.get("sample_value", ""), 1, high, "sample_value", errors)
    return values, errors


def _whole(text: str, low: int, high: int, name: str, errors: dict[str, str]) -> int | None:
    text = (text or "").strip()
    if not text.isdigit() or not low <= int(text) <= high:
        errors[name] = f"Enter a whole number from {low} to {high}"
        return None
    return int(text)


def save_settings(partnership_id: int, values: dict[str, Any], by: Any) -> LadoSetting:
    row = db.session.get(LadoSetting, partnership_id) or LadoSetting(partnership_id=partnership_id)
    for name, value in values.items():
        setattr(row, name, value)
    row.changed_at, row.changed_by_id = utcnow(), by.id
    db.session.add(row)
    return row
