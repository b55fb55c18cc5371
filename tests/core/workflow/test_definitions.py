"""Workflow definitions are checked at start-up; errors name the plugin and the workflow."""

from __future__ import annotations

import sys
from types import ModuleType

import pytest

from core.contributions import Permission, PluginInfo
from core.plugins import PluginError
from core.toolkit import hookimpl
from core.workflow.machine import (
    Delay,
    EscalationStep,
    SlaRule,
    State,
    Transition,
    WorkflowDefinition,
)


def fake_plugin(key: str, *workflows: WorkflowDefinition) -> dict[str, str]:
    """A plugin module made on the fly that declares `<key>.act` and the given workflows."""
    module = ModuleType(f"tests.core.workflow._plugin_{key}")

    @hookimpl
    def qa_describe() -> PluginInfo:
        return PluginInfo(key=key, name=key, version="1.0.0")

    @hookimpl
    def qa_register_permissions() -> list[Permission]:
        return [Permission(f"{key}.act", "Act", ("team_manager",))]

    @hookimpl
    def qa_register_workflows() -> list[WorkflowDefinition]:
        return list(workflows)

    for hook in (qa_describe, qa_register_permissions, qa_register_workflows):
        setattr(module, hook.__name__, hook)
    sys.modules[module.__name__] = module
    return {key: module.__name__}


def flow(key: str = "wf.flow", *, initial: str = "open", perm: str = "wf.act",
         target: str = "closed", states=None, sla=()) -> WorkflowDefinition:
    states = states or [State("open", "Open", sla=sla), State("closed", "Closed", terminal=True)]
    return WorkflowDefinition(key, states, [Transition("close", "Close", ("open",), target, perm)],
                              initial)


def start(make_app, *plugins: dict[str, str]):
    extra = {k: v for p in plugins for k, v in p.items()}
    return make_app(EXTRA_PLUGINS=extra, ENABLED_PLUGINS=list(extra))


def test_a_sound_definition_is_registered_under_its_plugin(make_app):
    app = start(make_app, fake_plugin("wf", flow()))
    assert app.extensions["workflows"]["wf.flow"].owner == "wf"


@pytest.mark.parametrize(("definition", "problem"), [
    (flow(target="nowhere"), "transition 'close' goes to unknown state 'nowhere'"),
    (flow(initial="missing"), "initial state 'missing' is not declared"),
    (flow(perm="wf.undeclared"), "transition 'close' needs undeclared permission 'wf.undeclared'"),
    (flow(states=[State("open", "Open"), State("closed", "Closed", terminal=True),
                  State("limbo", "Limbo", terminal=True)]),
     "state 'limbo' cannot be reached from 'open'"),
    (flow(states=[State("open", "Open"), State("closed", "Closed")]),
     "state 'closed' is not terminal but no transition leaves it"),
    (flow(sla=[SlaRule("respond", "Respond", working_days=5, hours=24)]),
     "SLA 'respond' needs working_days or hours"),
    (flow(sla=[SlaRule("respond", "Respond", hours=24,
                       escalate_after=[EscalationStep("qa_officer", Delay(hours=0))])]),
     "escalation step 1 names 'qa_officer', which is not on the management line"),
])
def test_an_unsound_definition_stops_start_up_naming_plugin_and_workflow(
        make_app, definition, problem):
    with pytest.raises(PluginError) as info:
        start(make_app, fake_plugin("wf", definition))
    assert str(info.value).startswith("Plugin 'wf': workflow 'wf.flow': ")
    assert problem in str(info.value)


def test_a_workflow_key_claimed_by_two_plugins_names_both(make_app):
    with pytest.raises(PluginError) as info:
        start(make_app, fake_plugin("wfa", flow("wfa_b.flow", perm="wfa.act")),
              fake_plugin("wfa_b", flow("wfa_b.flow", perm="wfa_b.act")))
    assert "'wfa_b.flow' is already claimed by 'wfa'" in str(info.value)
    assert "Plugin 'wfa_b'" in str(info.value)


def test_a_workflow_key_outside_the_plugins_namespace_is_refused(make_app):
    with pytest.raises(PluginError, match=r"Plugin 'wf': .*'other\.flow' must start with 'wf'"):
        start(make_app, fake_plugin("wf", flow("other.flow")))


def test_something_other_than_a_definition_is_refused_naming_the_plugin(make_app):
    plugin = fake_plugin("wf")
    sys.modules[plugin["wf"]].qa_register_workflows = hookimpl(lambda: ["wf.flow"])
    with pytest.raises(PluginError, match="Plugin 'wf': qa_register_workflows returned str"):
        start(make_app, plugin)
