"""Two people saving the same record: the second save is refused, shown what changed, and
keeps what they typed.

Forms carry the version of the record they were opened on. A save from an older version is
not applied; the page comes back with the person's own values still in the form, the values
saved meanwhile beside them, and the form now carrying the current version, so saving again
deliberately replaces the other person's changes. Nothing anybody typed is lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Difference:
    """A field whose saved value is not what the person typed."""

    label: str
    yours: str
    saved: str


@dataclass(frozen=True)
class Conflict:
    """What the second person sees: who saved, when, and each field that differs."""

    differences: list[Difference]
    saved_by: str | None
    saved_at: datetime | None
    version: int


def is_stale(seen: str | int | None, current: int) -> bool:
    """True if the form was opened on another version than the stored one (or gave none)."""
    try:
        return int(seen) != current  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return True


def conflict(labels: dict[str, str], typed: dict[str, str], saved: dict[str, str], *,
             saved_by: str | None, saved_at: datetime | None, version: int) -> Conflict:
    """Compare the typed values with the saved ones, field by field, in the form's order."""
    differences = [Difference(label, typed.get(name, ""), saved.get(name, ""))
                   for name, label in labels.items()
                   if (typed.get(name) or "").strip() != (saved.get(name) or "").strip()]
    return Conflict(differences, saved_by, saved_at, version)
