"""Reading tool files (YAML or JSON) and checking them, with errors that name file and path.

A bad tool file must stop start-up with a message a plugin author can act on at once:
the file, where inside it (``domains[2].questions[0].type``) and what is wrong.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from core.contributions import ToolSource
from core.plugins import PluginError
from core.tools.definition import Tool
from core.tools.schema import validate_definition

SUFFIXES = (".yaml", ".yml", ".json")


class ToolDefinitionError(PluginError):
    """A tool definition that cannot be used; `problems` are (path, reason) pairs."""

    def __init__(self, where: str, problems: list[tuple[str, str]]) -> None:
        self.where = where
        self.problems = problems
        lines = [f"{path or '(top level)'}: {reason}" for path, reason in problems]
        joined = lines[0] if len(lines) == 1 else "".join(f"\n  {line}" for line in lines)
        super().__init__(f"{where}: {joined}")


@dataclass(frozen=True)
class LoadedTool:
    """A valid tool and the file it came from (so later errors can name the file)."""

    tool: Tool
    path: Path
    owner: str


# libyaml's parser when it is installed: several times faster on the shipped tool files.
_SafeBase = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_SafeBase):  # type: ignore[misc, valid-type]
    """Safe YAML that refuses a key given twice (PyYAML would silently keep the last)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key '{key}' is given twice", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _no_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _ in pairs]
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    if repeated:
        raise ValueError(f"the key '{repeated[0]}' is given twice")
    return dict(pairs)


def parse_text(text: str, suffix: str, where: str) -> Any:
    """Parse YAML or JSON text; a syntax error names the line and column."""
    try:
        if suffix == ".json":
            return json.loads(text, object_pairs_hook=_no_repeats)
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506  # nosec B506 - SafeLoader subclass
    except json.JSONDecodeError as exc:
        reason = f"not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}"
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        reason = f"not valid YAML{at}: {getattr(exc, 'problem', None) or exc}"
    except ValueError as exc:
        reason = f"not valid JSON: {exc}"
    raise ToolDefinitionError(where, [("", reason)])


def load_tool(source: Path | str | Mapping[str, Any]) -> Tool:
    """A validated `Tool` from a YAML/JSON file path or from already-parsed data.

    Raises `ToolDefinitionError` naming the file, the path inside it and the reason.
    """
    if isinstance(source, Mapping):
        return _validated(dict(source), "tool definition")
    path = Path(source)
    where = f"tool file {path}"
    if path.suffix.lower() not in SUFFIXES:
        raise ToolDefinitionError(where, [("", "tool files must end .yaml, .yml or .json")])
    try:
        stat = path.stat()
    except OSError as exc:
        raise ToolDefinitionError(where, [("", f"cannot be read: {exc.strerror}")]) from exc
    return _load_file(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=512)
def _load_file(path: Path, mtime_ns: int, size: int) -> Tool:
    """Parse and check one file; remembered until the file changes, because every app
    built in one process (workers, tests) would otherwise parse the same files again.
    Tools are frozen, so sharing one is safe; errors are never remembered."""
    where = f"tool file {path}"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ToolDefinitionError(where, [("", f"cannot be read: {exc.strerror}")]) from exc
    return _validated(parse_text(text, path.suffix.lower(), where), where)


def _validated(data: Any, where: str) -> Tool:
    tool, problems = validate_definition(data)
    if problems:
        raise ToolDefinitionError(where, problems)
    if tool is None:  # validate_definition returns a tool whenever it finds no problem
        raise ToolDefinitionError(where, [("", "could not be read as a tool")])
    return tool


def source_files(source: ToolSource) -> list[Path]:
    """The tool files a source points at: the file itself, or every tool file in a folder."""
    path = Path(source.path)
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix.lower() in SUFFIXES)
    if path.is_file():
        return [path]
    raise ToolDefinitionError(f"tool file {path}", [("", "no such file or folder")])


def load_sources(sources: list[tuple[str, ToolSource]]) -> list[LoadedTool]:
    """Load every contributed tool file; keys must carry the plugin's namespace and each
    key + version may be defined only once."""
    loaded: list[LoadedTool] = []
    seen: dict[tuple[str, int], Path] = {}
    for owner, source in sources:
        for path in source_files(source):
            item = _load_owned(path, owner)
            ident = (item.tool.key, item.tool.version)
            if ident in seen:
                raise ToolDefinitionError(
                    f"tool file {path}",
                    [("key", f"{ident[0]} version {ident[1]} is also defined in {seen[ident]}")])
            seen[ident] = path
            loaded.append(item)
    return loaded


def _load_owned(path: Path, owner: str) -> LoadedTool:
    try:
        tool = load_tool(path)
    except ToolDefinitionError as exc:
        raise ToolDefinitionError(f"Plugin '{owner}': {exc.where}", exc.problems) from None
    if tool.owner != owner:
        raise ToolDefinitionError(f"Plugin '{owner}': tool file {path}",
                                  [("key", f"'{tool.key}' must start with '{owner}.'")])
    return LoadedTool(tool, path, owner)
