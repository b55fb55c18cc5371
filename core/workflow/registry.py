"""The workflow definitions of one app, collected and checked once at start-up."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app

from core.plugins import PluginError, Plugins
from core.workflow.machine import WorkflowDefinition, problems


class WorkflowNotFound(LookupError):
    """No enabled plugin defines a workflow with that key."""


@dataclass(frozen=True)
class Registered:
    owner: str
    definition: WorkflowDefinition


def init_app(app: Flask, plugins: Plugins) -> None:
    """Collect every plugin's workflows; stop start-up on the first unsound definition.

    `registered()` already refuses a key outside the plugin's namespace and a key claimed by
    two plugins (naming both); here each definition is checked against the declared
    permissions, and the error names the plugin and the workflow.
    """
    declared = set(app.extensions["permissions"].permissions)
    found: dict[str, Registered] = {}
    for owner, wf in plugins.registered("qa_register_workflows", lambda w: w.key):
        wrong = problems(wf, declared)
        if wrong:
            raise PluginError(f"Plugin '{owner}': workflow '{wf.key}': {'; '.join(wrong)}.")
        found[wf.key] = Registered(owner, wf)
    app.extensions["workflows"] = found


def get_definition(key: str) -> WorkflowDefinition:
    """The definition of an enabled workflow (WorkflowNotFound if its plugin is off)."""
    found = current_app.extensions.get("workflows", {}).get(key)
    if found is None:
        raise WorkflowNotFound(f"No enabled plugin defines the workflow '{key}'.")
    return found.definition


def definition_or_none(key: str) -> WorkflowDefinition | None:
    found = current_app.extensions.get("workflows", {}).get(key)
    return found.definition if found else None
