"""Hook implementations of the practice week plugin."""

from __future__ import annotations

from core.toolkit import PluginInfo, hookimpl

KEY = "practice_week"


@hookimpl
def qa_describe() -> PluginInfo:
    return PluginInfo(key=KEY, name="Practice weeks", version="0.1.0",
                      description="Practice weeks: observations of practice, conversations "
                                  "with practitioners and families, and the week's findings.")
