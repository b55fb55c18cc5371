"""What the services raise: bad input per field, or a move that is not allowed now.

Pages show `Invalid.errors` beside the fields; the API answers them as problem details naming
each field. `Refused` carries a sentence for the person and a kind the API maps to a status.
"""

from __future__ import annotations

STATUS_OF_KIND = {"forbidden": 403, "state": 409, "stale": 409, "missing": 404}


class Invalid(ValueError):
    """The input cannot be saved as given; `errors` maps each field to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


class Refused(PermissionError):
    """This person may not do this now (`kind`: forbidden, state, stale or missing)."""

    def __init__(self, message: str, kind: str = "state") -> None:
        self.message = message
        self.kind = kind
        super().__init__(message)

    @property
    def status(self) -> int:
        return STATUS_OF_KIND[self.kind]


def text(value: object, field: str, label: str, limit: int, errors: dict[str, str], *,
         required: bool = True, line: bool = False) -> str | None:
    """Trimmed text (one-line fields folded to single spaces), or a message naming the field
    when it is missing or too long."""
    raw = "" if value is None else str(value)
    cleaned = " ".join(raw.split()) if line else raw.strip()
    if not cleaned:
        if required:
            errors[field] = f"Enter {label}"
        return None
    if len(cleaned) > limit:
        errors[field] = f"{label[0].upper()}{label[1:]} must be {limit} characters or fewer"
    return cleaned
