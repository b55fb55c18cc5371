"""The plugin manager: discovery, the enable-list, validation and the hook call sites.

One `Plugins` object per app (in `app.extensions["plugins"]`); there is no module global, so
tests can build apps with different plugin sets side by side.

Call order: pluggy calls the last-registered implementation first, so plugins are registered in
reverse and `contributions()` walks implementations in enable-list order; core's built-in plugin
always comes first.
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from types import ModuleType
from typing import Any

import click
import pluggy
from flask import Blueprint
from flask_smorest import Blueprint as ApiBlueprint

from core import hookspecs
from core.contributions import (
    CasePanel,
    DashboardCard,
    JobType,
    NavItem,
    Permission,
    PluginInfo,
    ScheduledJob,
    ToolSource,
)
from core.reports.sections import ReportSection
from core.workflow.machine import WorkflowDefinition

ENTRY_POINT_GROUP = "partnership_audit.plugins"
BUILTIN_KEY = "core"
# Keys core uses for its own blueprints and URL prefixes; no plugin may take them.
RESERVED_KEYS = frozenset(
    {"core", "auth", "admin", "jobs", "api", "assets", "static", "cases", "accesslog",
     "tools", "reports", "exports", "actions", "loop"}
)

# What each list-returning hook must return items of.
RESULT_TYPES: dict[str, type] = {
    "qa_register_permissions": Permission,
    "qa_register_blueprints": Blueprint,
    "qa_register_job_types": JobType,
    "qa_register_scheduled_jobs": ScheduledJob,
    "qa_register_commands": click.Command,
    "qa_navigation_contributions": NavItem,
    "qa_dashboard_contributions": DashboardCard,
    "qa_register_tools": ToolSource,
    "qa_register_workflows": WorkflowDefinition,
    "qa_report_sections": ReportSection,
    "qa_case_panels": CasePanel,
    "qa_register_api_blueprints": ApiBlueprint,
}


class PluginError(RuntimeError):
    """A plugin cannot be loaded as configured; the message names the plugin."""


@dataclass
class LoadedPlugin:
    """An enabled plugin: its module, what it says of itself, and whether it is core's own."""

    key: str
    module: ModuleType
    info: PluginInfo
    builtin: bool = False
    contributes: dict[str, list[str]] = field(default_factory=dict)


def installed_plugins(extra: dict[str, str] | None = None) -> dict[str, str]:
    """Map each installed plugin name to its module path (entry points, then `extra`)."""
    found = {ep.name: ep.value for ep in entry_points(group=ENTRY_POINT_GROUP)}
    found.update(extra or {})
    return found


def _import(name: str, path: str) -> ModuleType:
    try:
        return importlib.import_module(path.split(":")[0])
    except Exception as exc:
        raise PluginError(f"Plugin '{name}' could not be imported from {path}: {exc}") from exc


def describe_module(name: str, module: ModuleType) -> PluginInfo:
    """Ask a plugin module who it is, without registering it."""
    describe = getattr(module, "qa_describe", None)
    if describe is None:
        raise PluginError(f"Plugin '{name}' does not implement qa_describe().")
    info = describe()
    if not isinstance(info, PluginInfo):
        raise PluginError(f"Plugin '{name}': qa_describe() must return PluginInfo.")
    if info.key != name:
        raise PluginError(
            f"Plugin '{name}' calls itself '{info.key}': the key must equal the entry-point name."
        )
    return info


def _owned(name: str, key: str) -> bool:
    """A plugin's names are its key, or start with the key and '.', '_' or '-'."""
    return name == key or (name.startswith(key) and name[len(key):][:1] in {".", "_", "-"})


class Plugins:
    """The enabled plugins of one app and the only place that calls their hooks."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.pm = pluggy.PluginManager(hookspecs.PROJECT)
        self.pm.add_hookspecs(hookspecs)
        if os.environ.get("PLUGIN_TRACE") == "1":
            self.pm.trace.root.setwriter(print)
            self.pm.enable_tracing()
        self.installed = installed_plugins(config.get("EXTRA_PLUGINS"))
        wanted = config.get("ENABLED_PLUGINS")
        names = list(self.installed) if wanted is None else list(wanted)
        self.loaded: list[LoadedPlugin] = [self._builtin()]
        self.loaded += [self._load(name) for name in self._check_names(names)]
        self._register_all()

    def _check_names(self, names: list[str]) -> list[str]:
        unknown = [n for n in names if n not in self.installed]
        if unknown:
            raise PluginError(
                f"Unknown plugin '{unknown[0]}' in ENABLED_PLUGINS; installed: "
                f"{', '.join(sorted(self.installed)) or 'none'}."
            )
        if len(set(names)) != len(names):
            raise PluginError("ENABLED_PLUGINS names a plugin twice.")
        return names

    def _builtin(self) -> LoadedPlugin:
        from core.builtin import core_plugin

        return LoadedPlugin(BUILTIN_KEY, core_plugin, core_plugin.qa_describe(), builtin=True)

    def _load(self, name: str) -> LoadedPlugin:
        if name in RESERVED_KEYS:
            raise PluginError(f"Plugin '{name}': the key '{name}' is reserved for core.")
        module = _import(name, self.installed[name])
        info = describe_module(name, module)
        if info.key in {p.key for p in self.loaded}:
            raise PluginError(f"Plugin '{name}': key '{info.key}' is already taken.")
        return LoadedPlugin(name, module, info)

    def _register_all(self) -> None:
        for plugin in reversed(self.loaded):
            try:
                self.pm.register(plugin.module, name=plugin.key)
            except pluggy.PluginValidationError as exc:
                raise PluginError(f"Plugin '{plugin.key}': {exc}") from exc
        try:
            self.pm.check_pending()
        except pluggy.PluginValidationError as exc:
            name = getattr(exc, "plugin_name", None) or self._owner_of(exc)
            raise PluginError(f"Plugin '{name}': {exc}") from exc

    def _owner_of(self, exc: Exception) -> str:
        plugin = getattr(exc, "plugin", None)
        return self.pm.get_name(plugin) if plugin is not None else "unknown"

    # --- call sites ---------------------------------------------------------------------

    @property
    def keys(self) -> list[str]:
        return [p.key for p in self.loaded]

    def contributions(self, hook: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """Call `hook` on each plugin in enable-list order; return (plugin key, item) pairs.

        Walking the implementations ourselves (rather than `pm.hook.<name>()`) keeps track of
        which plugin contributed what, so errors and `flask plugins list` can name it.
        """
        order = {key: i for i, key in enumerate(self.keys)}
        impls = sorted(
            getattr(self.pm.hook, hook).get_hookimpls(), key=lambda i: order[i.plugin_name]
        )
        results: list[tuple[str, Any]] = []
        for impl in impls:
            args = {name: kwargs[name] for name in impl.argnames}
            items = impl.function(**args) or []
            results += [(impl.plugin_name, self._checked(hook, impl.plugin_name, i)) for i in items]
        return results

    def _checked(self, hook: str, key: str, item: Any) -> Any:
        wanted = RESULT_TYPES[hook]
        if not isinstance(item, wanted):
            raise PluginError(
                f"Plugin '{key}': {hook} returned {type(item).__name__},"
                f" expected {wanted.__name__}."
            )
        return item

    def any_true(self, hook: str, **kwargs: Any) -> bool:
        """True if any plugin answers True (permission-widening questions)."""
        return any(answer is True for answer in getattr(self.pm.hook, hook)(**kwargs))

    def fire(self, hook: str, **kwargs: Any) -> None:
        """Tell every plugin about an event; results are ignored."""
        getattr(self.pm.hook, hook)(**kwargs)

    def registered(self, hook: str, name_of: Any, **kwargs: Any) -> list[tuple[str, Any]]:
        """Collect a registration hook and refuse duplicate or foreign names.

        `name_of` gives an item's name; outside core, names must start with the plugin key.
        """
        items = self.contributions(hook, **kwargs)
        seen: dict[str, str] = {}
        for key, item in items:
            name = name_of(item)
            if key != BUILTIN_KEY and not _owned(name, key):
                raise PluginError(f"Plugin '{key}': {hook} name '{name}' must start with '{key}'.")
            if name in seen:
                raise PluginError(
                    f"Plugin '{key}': {hook} name '{name}' is already claimed by '{seen[name]}'."
                )
            seen[name] = key
            self._note(key, hook, name)
        return items

    def _note(self, key: str, hook: str, name: str) -> None:
        plugin = next(p for p in self.loaded if p.key == key)
        plugin.contributes.setdefault(hook.removeprefix("qa_register_"), []).append(name)

    def hooks_of(self, key: str) -> list[str]:
        """The hook names a plugin implements."""
        module = next(p.module for p in self.loaded if p.key == key)
        return sorted(c.name for c in self.pm.get_hookcallers(module) or [])
