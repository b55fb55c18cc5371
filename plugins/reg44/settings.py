"""The plugin's settings: defaults a deployment may change under the `REG44` key.

    REG44 = {"frequency": {"own": "monthly", "commissioned": "annual"},
             "child_view_themes": {"safety": "Feeling safe", ...}}

Regulation 44 needs monthly visits to every children's home; for children placed in homes run by
other providers the placing authority's own visits are at least annual (West Sussex). Each home
may still set its own frequency.
"""

from __future__ import annotations

from typing import Any

from core.toolkit import plugin_config
from plugins.reg44.vocab import FREQUENCIES, HOME_KINDS

KEY = "reg44"

DEFAULT_FREQUENCY: dict[str, str] = {"own": "monthly", "commissioned": "annual"}

CHILD_VIEW_THEMES: dict[str, str] = {
    "safety": "Feeling safe",
    "staff": "Relationships with staff",
    "other_children": "Living with other children",
    "family_contact": "Contact with family and friends",
    "education": "School and education",
    "health": "Health and well-being",
    "activities": "Activities and hobbies",
    "food_and_home": "Food, bedroom and the home",
    "rules": "Rules, sanctions and fairness",
    "being_heard": "Being listened to and complaints",
    "future": "Plans and the future",
}


def settings() -> dict[str, Any]:
    """The effective settings: the defaults, overlaid by the deployment's `REG44` values."""
    given = plugin_config(KEY)
    frequency = {**DEFAULT_FREQUENCY, **given.get("frequency", {})}
    for kind, value in frequency.items():
        if kind not in HOME_KINDS or value not in FREQUENCIES:
            raise ValueError(f"REG44 frequency: '{kind}: {value}' is not a kind of home and a "
                             f"frequency ({', '.join(FREQUENCIES)})")
    themes = dict(given.get("child_view_themes") or CHILD_VIEW_THEMES)
    return {"frequency": frequency, "child_view_themes": themes}


def default_frequency(kind: str) -> str:
    return settings()["frequency"].get(kind, "monthly")


def child_view_themes() -> dict[str, str]:
    return settings()["child_view_themes"]
