"""Tools at run time: load plugin files at start-up, keep the version table in step with them,
and hand out validated tools by key and version.

File tools are copied into `tool_version` as published versions. Syncing is idempotent (an
unchanged file does nothing) and strict: a file whose content changed under the same version
stops start-up, because audits already graded against that version must keep it.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field

from flask import Flask, current_app
from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from core.extensions import db
from core.plugins import Plugins
from core.timeutil import utcnow
from core.tools.definition import Tool
from core.tools.loader import LoadedTool, ToolDefinitionError, load_sources, load_tool
from core.tools.models import ToolVersion
from core.tools.schema import dump_definition

log = logging.getLogger("partnership_audit.tools")


class ToolNotFound(LookupError):
    """No such tool, or no such version of it (drafts are not handed out to audits)."""


@dataclass
class ToolRegistry:
    """The tool files of one app and a cache of parsed, immutable (non-draft) versions."""

    files: list[LoadedTool]
    owners: list[str]
    synced: bool = False
    cache: dict[tuple[str, int], Tool] = field(default_factory=dict)

    def ensure_synced(self) -> None:
        """Sync now if the table did not exist at start-up (first run before migrations)."""
        if not self.synced and table_ready():
            sync_file_tools(self)


def init_app(app: Flask, plugins: Plugins) -> None:
    """Load and check every contributed tool file, then sync them into the version table."""
    registry = ToolRegistry(load_sources(plugins.contributions("qa_register_tools")),
                            list(plugins.keys))
    app.extensions["tools"] = registry
    with app.app_context():
        registry.ensure_synced()


def tool_registry() -> ToolRegistry:
    return current_app.extensions["tools"]


def table_ready() -> bool:
    try:
        return inspect(db.engine).has_table(ToolVersion.__tablename__)
    except OperationalError as exc:
        log.warning("tool versions not synced yet: database unavailable (%s)", type(exc).__name__)
        return False


def sync_file_tools(registry: ToolRegistry) -> None:
    """Copy new file tools into the table in a transaction of its own (retried once if
    another worker starting at the same moment inserted the same rows first)."""
    for attempt in (1, 2):
        with Session(db.engine) as session:
            try:
                rows = _file_rows(session, registry.files)
                for item in registry.files:
                    _sync_one(session, item, rows.get((item.tool.key, item.tool.version)))
                session.commit()
                break
            except IntegrityError:
                session.rollback()
                if attempt == 2:
                    raise
    registry.synced = True


def _file_rows(session: Session, files: list[LoadedTool]) -> dict[tuple[str, int], ToolVersion]:
    """The rows already holding the files' key and version, in one query (every app start)."""
    keys = {item.tool.key for item in files}
    if not keys:
        return {}
    rows = session.scalars(select(ToolVersion).where(ToolVersion.key.in_(keys)))
    return {(row.key, row.version): row for row in rows}


# A file tool is parsed once per process and never changes; neither does its stored form.
_DEFINITIONS: dict[int, tuple[Tool, dict]] = {}


def _definition(tool: Tool) -> dict:
    if id(tool) not in _DEFINITIONS:
        _DEFINITIONS[id(tool)] = (tool, dump_definition(tool))
    return _DEFINITIONS[id(tool)][1]


def _sync_one(session: Session, item: LoadedTool, row: ToolVersion | None) -> None:
    tool, where = item.tool, f"Plugin '{item.owner}': tool file {item.path}"
    definition = _definition(tool)
    if row is None:
        session.add(ToolVersion(
            key=tool.key, version=tool.version, title=tool.title, source="file",
            definition=to_json(definition), origin=f"{item.path.name} ({item.owner})",
            status="published", published_at=utcnow()))
        session.flush()
    elif row.source != "file":
        raise ToolDefinitionError(where, [("version", (
            f"{tool.key} version {tool.version} was already made in the admin pages; give the "
            "file a higher version"))])
    elif json.loads(row.definition) != definition:
        raise ToolDefinitionError(where, [("version", (
            f"the file has changed but is still version {tool.version}: bump the version "
            "(audits graded against the old content keep that version)"))])


def to_json(definition: dict) -> str:
    return json.dumps(definition, indent=2, ensure_ascii=False)


def version_row(key: str, version: int) -> ToolVersion | None:
    return db.session.scalar(select(ToolVersion).filter_by(key=key, version=version))


def latest_published(key: str) -> ToolVersion | None:
    return db.session.scalar(
        select(ToolVersion).filter_by(key=key, status="published")
        .order_by(ToolVersion.version.desc()).limit(1))


def get_tool(key: str, version: int | None = None, *, include_drafts: bool = False) -> Tool:
    """The latest published version of a tool, or exactly `version` (published or retired).

    An audit stores `tool.key` and `tool.version` when it starts and asks for that version
    ever after, so publishing a newer version never changes how an old audit reads.
    """
    registry = tool_registry()
    registry.ensure_synced()
    row = latest_published(key) if version is None else version_row(key, version)
    if row is None or (row.status == "draft" and not include_drafts):
        which = "a published version" if version is None else f"version {version}"
        raise ToolNotFound(f"Tool '{key}' has no {which}.")
    return tool_from_row(row)


def tool_from_row(row: ToolVersion) -> Tool:
    """The validated tool a row holds; versions that can no longer change are cached."""
    cache = tool_registry().cache
    ident = (row.key, row.version)
    if ident in cache and row.status != "draft":
        return cache[ident]
    try:
        tool = load_tool(json.loads(row.definition))
    except ToolDefinitionError as exc:
        raise ToolDefinitionError(f"tool {row.key} version {row.version}", exc.problems) from None
    if row.status != "draft":
        cache[ident] = tool
    return tool


def visible_versions() -> list[ToolVersion]:
    """Every version of every tool owned by core or an enabled plugin, by key then version."""
    owners = tool_registry().owners
    rows = db.session.scalars(select(ToolVersion).order_by(ToolVersion.key, ToolVersion.version))
    return [r for r in rows if r.key.split(".", 1)[0] in owners]


def published_tools() -> list[tuple[str, str]]:
    """(key, title) of each tool with a published version, latest title, for choosing a tool."""
    latest: dict[str, str] = {}
    for row in visible_versions():
        if row.status == "published":
            latest[row.key] = row.title
    return sorted(latest.items(), key=lambda item: item[1])
