"""A small valid tool definition to vary, and helpers to write it to disk."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import yaml

from tests.conftest import EXAMPLE
from tests.core.tools import toolfile_plugin

PLUGINS = {**EXAMPLE, "toolfile": "tests.core.tools.toolfile_plugin"}

DESCRIPTORS = {
    "outstanding": ["Exceptional."],
    "good": ["Solid."],
    "requires_improvement": ["Patchy."],
    "inadequate": ["Unsafe."],
}


def definition(key: str = "toolfile.check", version: int = 1, **fields: Any) -> dict[str, Any]:
    data = {
        "key": key,
        "version": version,
        "title": "Check",
        "domains": [
            {"code": "A", "title": "Recording", "descriptors": DESCRIPTORS,
             "questions": [{"code": "A1", "text": "Is it recorded?", "type": "yes_no_partly"}]},
            {"code": "B", "title": "Planning", "descriptors": DESCRIPTORS,
             "allow_not_applicable": True,
             "questions": [{"code": "B1", "text": "Score the plan", "type": "score_0_10"}]},
        ],
    }
    data.update(fields)
    return copy.deepcopy(data)


def write(folder: Path, name: str, data: Any) -> Path:
    path = folder / name
    text = json.dumps(data) if name.endswith(".json") else yaml.safe_dump(data, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


def use_sources(*paths: Path) -> None:
    toolfile_plugin.SOURCES[:] = list(paths)


def build(make_app, *paths: Path):
    """An app with the example and tool-file plugins, the latter reading `paths`."""
    use_sources(*paths)
    return make_app(EXTRA_PLUGINS=PLUGINS, ENABLED_PLUGINS=["example", "toolfile"])
