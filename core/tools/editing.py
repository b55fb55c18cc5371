"""Making new tool versions in the admin pages: copy to a draft, edit, publish.

Only drafts change. Publishing freezes a draft; from then on the version is read-only and a
change means another copy with the next version number.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select

from core.extensions import db
from core.timeutil import utcnow
from core.tools.loader import ToolDefinitionError, parse_text
from core.tools.models import ToolVersion
from core.tools.registry import to_json, tool_from_row
from core.tools.schema import dump_definition, validate_definition

STALE = ("Someone else saved this draft after you opened it. Your text is below: copy what "
         "you need, open the draft again and make your changes there.")


def draft_of(key: str) -> ToolVersion | None:
    return db.session.scalar(select(ToolVersion).filter_by(key=key, status="draft"))


def copy_to_draft(row: ToolVersion, user: Any) -> ToolVersion:
    """A draft copy of `row` as the tool's next version (one past the highest so far)."""
    highest = db.session.scalar(select(func.max(ToolVersion.version)).filter_by(key=row.key))
    number = (highest or 0) + 1
    definition = {**json.loads(row.definition), "version": number}
    draft = ToolVersion(
        key=row.key, version=number, title=row.title, definition=to_json(definition),
        source="edited", origin=f"Copied from version {row.version}", status="draft",
        created_by_id=getattr(user, "id", None))
    db.session.add(draft)
    db.session.flush()
    return draft


def save_draft(row: ToolVersion, text: str, seen_lock: int | None) -> list[tuple[str, str]]:
    """Replace a draft's definition with `text` (JSON) if it is valid; else the problems as
    (path, reason) pairs and the draft untouched."""
    if row.status != "draft":
        return [("", "Only drafts can be changed; copy this version to a new draft.")]
    if seen_lock != row.lock_version:
        return [("", STALE)]
    try:
        data = parse_text(text, ".json", "definition")
    except ToolDefinitionError as exc:
        return exc.problems
    tool, problems = validate_definition(data)
    if tool is None:
        return problems
    problems = _identity_problems(row, tool.key, tool.version)
    if not problems:
        row.definition = to_json(dump_definition(tool))
        row.title = tool.title
    return problems


def _identity_problems(row: ToolVersion, key: str, version: int) -> list[tuple[str, str]]:
    problems = []
    if key != row.key:
        problems.append(("key", f"The key must stay {row.key}; a new tool needs its own file."))
    if version != row.version:
        problems.append(("version", f"The version must stay {row.version}."))
    return problems


def publish(row: ToolVersion, user: Any) -> None:
    """Make a draft the latest published version (checked once more on the way)."""
    if row.status != "draft":
        raise ValueError("Only a draft can be published.")
    tool_from_row(row)
    row.status = "published"
    row.published_at = utcnow()
    row.published_by_id = getattr(user, "id", None)
