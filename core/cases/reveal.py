"""Need-to-know reveal of the identity behind a case code.

Who may: the partnership coordinator of the case's partnership, a person with an open assignment
to the case (an auditor on an open audit), or anyone a plugin vouches for through the
`qa_may_reveal_identity` hook; nobody once the identity is destroyed. A reveal needs a reason,
lasts `REVEAL_MINUTES`, and every reveal, refusal, showing and failure is written to the access
log in the caller's transaction (the caller commits, so the action and its record stand or fall
together). Log entries carry the reason, never the identity.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select

from core.accesslog.chain import append
from core.cases.models import IDENTITY_FIELDS, Case, Reveal
from core.cases.reveal_alerts import alert_reveal
from core.cases.service import open_assignments
from core.crypto.envelope import DecryptionFailed
from core.crypto.keyring import KeyUnavailable
from core.extensions import db
from core.identity.access import can
from core.timeutil import utcnow

REASONS: dict[str, str] = {
    "auditing": "Auditing this case",
    "duplicate": "Checking a duplicate",
    "safeguarding": "Safeguarding concern",
    "subject_request": "Data subject request",
    "other": "Other",
}
MIN_OTHER_WORDS = 3
MAX_REASON_TEXT = 400
DEFAULT_MINUTES = 15


class RevealRefused(PermissionError):
    """This person may not see this case's identity (the refusal has been logged)."""


class RevealInvalid(ValueError):
    """The reason is missing or incomplete; `errors` names the field."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("Reveal reason is not valid: " + ", ".join(sorted(errors)))


class IdentityUnavailable(RuntimeError):
    """A key is missing or a ciphertext does not decrypt (the failure has been logged)."""


def reveal_minutes() -> int:
    return int(current_app.config.get("REVEAL_MINUTES", DEFAULT_MINUTES))


def may_reveal(user: Any, case: Case) -> bool:
    """Whether `user` may reveal the identity of `case` (asks plugins last)."""
    if case.destroyed_at is not None or not getattr(user, "is_authenticated", False):
        return False
    if can("cases.reveal_identity", case, user=user) or open_assignments(user, case):
        return True
    return current_app.extensions["plugins"].any_true(
        "qa_may_reveal_identity", user=user, case=case)


def reason_errors(reason_code: str | None, reason_text: str | None) -> dict[str, str]:
    """Messages for a missing or thin reason; empty when the reason will do."""
    text = " ".join((reason_text or "").split())
    if reason_code not in REASONS:
        return {"reason": "Select why you need to see this child's identity"}
    if len(text) > MAX_REASON_TEXT:
        return {"reason_text": f"Explanation must be {MAX_REASON_TEXT} characters or fewer"}
    if reason_code == "other" and len(text.split()) < MIN_OTHER_WORDS:
        return {"reason_text": "Explain in a few words why you need to see this child's identity"}
    return {}


def _log(action: str, case: Case, user: Any, detail: str | None = None) -> None:
    append(action, "case", case.code, user=user, partnership_id=case.partnership_id,
           detail=detail)


def refuse(case: Case, user: Any, why: str) -> RevealRefused:
    """Log a refused reveal and return the exception for the caller to raise."""
    _log("identity_reveal_refused", case, user, why)
    return RevealRefused(case.code)


def read_identity(case: Case, user: Any) -> dict[str, str | None]:
    """Decrypt every identity field, or log `identity_unavailable` and raise."""
    try:
        return {field: case.unseal(field) for field in IDENTITY_FIELDS}
    except (KeyUnavailable, DecryptionFailed) as exc:
        _log("identity_unavailable", case, user, type(exc).__name__)
        raise IdentityUnavailable(case.code) from None


def reveal(case: Case, user: Any, reason_code: str | None,
           reason_text: str | None = "") -> dict[str, str | None]:
    """Reveal the identity for `REVEAL_MINUTES` and return the decrypted fields.

    Raises `RevealRefused` (logged) when the person may not, `RevealInvalid` when the reason is
    missing, `IdentityUnavailable` (logged) when it cannot be decrypted. Does not commit.
    """
    if not may_reveal(user, case):
        raise refuse(case, user, "not allowed")
    errors = reason_errors(reason_code, reason_text)
    if errors:
        raise RevealInvalid(errors)
    identity = read_identity(case, user)
    now = utcnow()
    db.session.add(Reveal(case_id=case.id, user_id=user.id, reason_code=reason_code,
                          created_at=now, expires_at=now + timedelta(minutes=reveal_minutes())))
    text = " ".join((reason_text or "").split())
    _log("identity_revealed", case, user, f"reason: {reason_code}" + (f"; {text}" if text else ""))
    alert_reveal(case, user, REASONS[reason_code])
    db.session.flush()
    return identity


def live_reveal(case: Case, user: Any) -> Reveal | None:
    """The user's unexpired reveal of this case, if any."""
    if getattr(user, "id", None) is None:
        return None
    return db.session.scalar(
        select(Reveal).where(Reveal.case_id == case.id, Reveal.user_id == user.id,
                             Reveal.expires_at > utcnow())
        .order_by(Reveal.expires_at.desc()).limit(1))


def shown_identity(case: Case, user: Any) -> tuple[dict[str, str | None] | None, Reveal | None]:
    """The identity to show on the case page now, logged as `identity_viewed`.

    (None, None) without a live reveal, or once the person may no longer reveal (an assignment
    closed); raises `IdentityUnavailable` (logged) when decryption fails.
    """
    live = live_reveal(case, user)
    if live is None or not may_reveal(user, case):
        return None, None
    identity = read_identity(case, user)
    _log("identity_viewed", case, user, f"reveal {live.id}")
    return identity, live
