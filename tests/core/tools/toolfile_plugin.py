"""A throwaway plugin whose tool files each test chooses (set `SOURCES` before building)."""

from __future__ import annotations

from pathlib import Path

from core.toolkit import PluginInfo, ToolSource, hookimpl

SOURCES: list[Path] = []


@hookimpl
def qa_describe() -> PluginInfo:
    return PluginInfo(key="toolfile", name="Tool file tests", version="1.0.0")


@hookimpl
def qa_register_tools() -> list[ToolSource]:
    return [ToolSource(path) for path in SOURCES]
