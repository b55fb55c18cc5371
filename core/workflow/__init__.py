"""Workflows: declarative state machines with SLA clocks counted in UK working days.

Plugins define `WorkflowDefinition`s (`machine.py`) through `qa_register_workflows`; the engine
(`engine.py`) starts instances and fires transitions; clocks (`sla.py`) start and stop with
states; the sweep (`sweep.py`, a scheduled job) sends reminders and escalates up the
management line (`escalation.py`). Kept import-light: `core.plugins` imports `machine.py`.
"""

from __future__ import annotations

from typing import Any


def init_app(app: Any, plugins: Any) -> None:
    """Collect and check every enabled plugin's workflows (fails start-up on a bad one)."""
    from core.workflow.registry import init_app as init_registry

    init_registry(app, plugins)
