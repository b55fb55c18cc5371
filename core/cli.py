"""`flask` commands of core: plugins list, check-config, seed-demo and friends."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from config import production_problems
from core.accesslog.commands import accesslog_cli
from core.backup.commands import backup_command, restore_command
from core.cases.commands import cases_cli
from core.crypto.commands import keys_cli
from core.demo import seed_demo
from core.identity.commands import users_cli
from core.plugins import Plugins, _import, describe_module
from core.synthetic import seed_synthetic_command

plugins_cli = AppGroup("plugins", help="Inspect installed and enabled plugins.")


def plugin_rows(plugins: Plugins) -> list[dict]:
    """One row per installed plugin (and core): key, version, enabled, contributions."""
    rows = []
    enabled = {p.key: p for p in plugins.loaded}
    for key, path in [("core", "core.builtin.core_plugin"), *plugins.installed.items()]:
        plugin = enabled.get(key)
        info = plugin.info if plugin else describe_module(key, _import(key, path))
        rows.append({
            "key": key,
            "name": info.name,
            "version": info.version,
            "enabled": plugin is not None,
            "builtin": key == "core",
            "hooks": plugins.hooks_of(key) if plugin else [],
            "contributes": dict(plugin.contributes) if plugin else {},
            "tables": _tables_of(key) if plugin else [],
        })
    return rows


def _tables_of(key: str) -> list[str]:
    from core.extensions import db

    if key == "core":
        return []
    return sorted(t for t in db.metadata.tables if t.startswith(f"{key}_"))


@plugins_cli.command("list")
def plugins_list() -> None:
    """Show each plugin's key, version, whether it is enabled and what it contributes."""
    for row in plugin_rows(current_app.extensions["plugins"]):
        state = "enabled" if row["enabled"] else "disabled"
        if row["builtin"]:
            state = "built-in"
        click.echo(f"{row['key']}  {row['version']}  {state}  {row['name']}")
        for kind, names in sorted(row["contributes"].items()):
            click.echo(f"    {kind}: {', '.join(names)}")
        if row["tables"]:
            click.echo(f"    tables: {', '.join(row['tables'])}")


def hook_reference() -> list[tuple[str, str]]:
    """Each hook's name and docstring, in declaration order (the plugin author's reference)."""
    import inspect

    from core import hookspecs

    return [
        (name, inspect.getdoc(func) or "")
        for name, func in vars(hookspecs).items()
        if name.startswith("qa_") and callable(func)
    ]


@plugins_cli.command("hooks")
def plugins_hooks() -> None:
    """Print the reference of every hook a plugin may implement."""
    for name, doc in hook_reference():
        click.echo(f"{name}\n{'-' * len(name)}\n{doc}\n")


@click.command("check-config")
def check_config() -> None:
    """Report what a production deployment still lacks; exit 1 if anything."""
    problems = production_problems(dict(current_app.config))
    for problem in problems:
        click.echo(f"MISSING: {problem}")
    if problems:
        raise SystemExit(1)
    click.echo("Configuration is ready for production.")


def init_app(app: Flask, plugins: Plugins) -> None:
    app.cli.add_command(plugins_cli)
    app.cli.add_command(check_config)
    app.cli.add_command(keys_cli)
    app.cli.add_command(accesslog_cli)
    app.cli.add_command(cases_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(seed_demo)
    app.cli.add_command(seed_synthetic_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    for _key, command in plugins.registered("qa_register_commands", lambda c: c.name or ""):
        app.cli.add_command(command)
