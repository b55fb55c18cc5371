"""The plugin's settings: defaults a deployment may override under FEEDBACK in its config."""

from __future__ import annotations

from typing import Any

from core.toolkit import plugin_config
from plugins.feedback import KEY, vocab

DEFAULTS: dict[str, Any] = {
    "LINK_DAYS": 14,  # how long a link works unless staff choose otherwise
    "MAX_TEXT": 2000,  # characters in one written answer
    "MAX_FORM_BYTES": 64 * 1024,  # the whole public form; larger is refused (413)
    "PUBLIC_RATE_LIMIT": "30 per minute",  # per address, on the public page
    "EXTRA_PHRASES": (),  # phrases added to disclosure_phrases.txt
    "THEMES": vocab.THEMES,
}


def setting(name: str) -> Any:
    """A setting: the deployment's value under FEEDBACK, else the default."""
    return plugin_config(KEY).get(name, DEFAULTS[name])


def themes() -> tuple[str, ...]:
    return tuple(setting("THEMES"))
