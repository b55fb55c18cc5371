"""Writing closing-the-loop records: create, save with an optimistic lock, add dated updates,
link and unlink actions. Nothing here commits; bad input raises `LoopInvalid` per field."""

from __future__ import annotations

from typing import Any

from core.actions import settings
from core.actions.conflict import is_stale
from core.actions.editing import Stale
from core.actions.models import Action
from core.extensions import db
from core.identity.models import Partnership
from core.loop.models import LoopRecord, LoopUpdate

TITLE_MAX, TEXT_MAX = 200, 8000

# The template's fields in its order (Havering "closing the loop"), with what each asks.
FIELDS: dict[str, tuple[str, str]] = {
    "title": ("Title", ""),
    "context": ("Context", "What prompted this: the audit, review or feedback."),
    "drivers": ("Drivers", "Why it matters now: inspection, local priorities, themes."),
    "data": ("Data", "The figures that show the issue (coded, no identity)."),
    "known_risks": ("Known risks", "What could get in the way, or harm children if not done."),
    "goal": ("Goal", "What do we want to achieve?"),
    "measure": ("Measure", "How will we know when we have achieved what we set out to do?"),
    "activity": ("Activity", "What we did."),
    "sharing": ("Sharing the learning", "How it was reported and shared with the workforce."),
    "feedback": ("Feedback", "What others told us about the experience or the learning."),
    "review_outcome": ("Reviewing the outcome", "Did it make a difference? How do we know?"),
    "findings": ("Findings it answers",
                 "The audit findings or source references it closes the loop on."),
}


class LoopInvalid(ValueError):
    """The record cannot be saved as given; `errors` maps each field to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


def clean(values: dict[str, str]) -> dict[str, str | None]:
    """Every template field, stripped; raises LoopInvalid for a missing title or long text."""
    errors: dict[str, str] = {}
    out: dict[str, str | None] = {}
    for name, (label, _) in FIELDS.items():
        text = (values.get(name) or "").strip()
        limit = TITLE_MAX if name == "title" else TEXT_MAX
        if len(text) > limit:
            errors[name] = f"{label} must be {limit} characters or fewer"
        out[name] = text or None
    if not out["title"]:
        errors["title"] = "Enter a title"
    if errors:
        raise LoopInvalid(errors)
    return out


def create_record(partnership: Partnership | None, values: dict[str, str],
                  by: Any) -> LoopRecord:
    if partnership is None:
        errors = {"partnership": "Select the partnership"}
        try:
            clean(values)
        except LoopInvalid as exc:
            errors |= exc.errors
        raise LoopInvalid(errors)
    now, by_id = settings.now(), getattr(by, "id", None)
    record = LoopRecord(partnership=partnership, **clean(values), created_by_id=by_id,
                        created_at=now, updated_by_id=by_id, updated_at=now)
    db.session.add(record)
    db.session.flush()
    return record


def update_record(record: LoopRecord, values: dict[str, str], by: Any,
                  seen_version: str | int | None) -> list[str]:
    """Save the fields; return the labels of those that changed. Raises Stale, LoopInvalid."""
    if is_stale(seen_version, record.version):
        raise Stale()
    cleaned = clean(values)
    changed = [name for name, value in cleaned.items() if getattr(record, name) != value]
    for name in changed:
        setattr(record, name, cleaned[name])
    if changed:
        record.updated_by_id, record.updated_at = getattr(by, "id", None), settings.now()
    return [FIELDS[name][0] for name in changed]


def add_update(record: LoopRecord, by: Any, text: str) -> LoopUpdate:
    text = (text or "").strip()
    if not text:
        raise LoopInvalid({"update": "Enter the update"})
    if len(text) > TEXT_MAX:
        raise LoopInvalid({"update": f"The update must be {TEXT_MAX} characters or fewer"})
    update = LoopUpdate(record=record, user_id=getattr(by, "id", None), at=settings.now(),
                        text=text)
    db.session.add(update)
    return update


def link_action(record: LoopRecord, action: Action | None) -> None:
    """Link an action of the same partnership (None: it was not found or not visible)."""
    if action is None or action.partnership_id != record.partnership_id:
        raise LoopInvalid({"action": "Enter the reference of an action of this partnership "
                                     "that you can see, like ACT-00012"})
    if action not in record.actions:
        record.actions.append(action)


def unlink_action(record: LoopRecord, action: Action) -> None:
    if action in record.actions:
        record.actions.remove(action)
