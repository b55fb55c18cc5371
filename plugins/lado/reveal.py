"""Revealing the adult's role and employer, with a reason, for a short time, all logged.

The same rules as a child's identity (core's reveal): a reason from the same list, a live
reveal that lasts a few minutes, and access-log entries for the reveal, each showing, each
refusal and each failure to decrypt, written in the caller's transaction.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from core.toolkit import (
    DecryptionFailed,
    KeyUnavailable,
    db,
    reveal_reason_errors,
    utcnow,
)
from plugins.lado.access import log, may_reveal_adult
from plugins.lado.config import reveal_minutes
from plugins.lado.models import SEALED, LadoAdultReveal, LadoReferral
from plugins.lado.retention import is_destroyed

DESTROYED = ("The adult's role and employer were destroyed at the end of the retention period "
             "and cannot be revealed")


class RevealRefused(PermissionError):
    """This person may not see the sealed fields (the refusal has been logged)."""


class RevealInvalid(ValueError):
    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("Reveal reason is not valid: " + ", ".join(sorted(errors)))


class Unavailable(RuntimeError):
    """A key is missing or a ciphertext does not decrypt (the failure has been logged)."""


def reason_errors(code: str | None, text: str | None) -> dict[str, str]:
    """Core's reason rules, worded for an adult rather than a child."""
    return {k: v.replace("this child's identity", "who this adult is and where they work")
            for k, v in reveal_reason_errors(code, text).items()}


def read_sealed(referral: LadoReferral, user: Any) -> dict[str, str | None]:
    try:
        return {name: referral.unseal(name) for name in SEALED}
    except (KeyUnavailable, DecryptionFailed) as exc:
        log(referral, "lado_identity_unavailable", type(exc).__name__, user=user)
        raise Unavailable(referral.reference) from None


def reveal(referral: LadoReferral, user: Any, code: str | None, text: str | None) -> None:
    """Start a live reveal. Raises RevealRefused (logged), RevealInvalid (also once
    retention has destroyed the referral: there is nothing left to show) or Unavailable."""
    if not may_reveal_adult(user, referral):
        log(referral, "lado_reveal_refused", "not allowed", user=user)
        raise RevealRefused(referral.reference)
    if is_destroyed(referral):
        raise RevealInvalid({"reason": DESTROYED})
    errors = reason_errors(code, text)
    if errors:
        raise RevealInvalid(errors)
    read_sealed(referral, user)  # fail now, not on the page, if it cannot be read
    now = utcnow()
    db.session.add(LadoAdultReveal(referral_id=referral.id, user_id=user.id, reason_code=code,
                               created_at=now,
                               expires_at=now + timedelta(minutes=reveal_minutes())))
    words = " ".join((text or "").split())
    log(referral, "lado_identity_revealed", f"reason: {code}" + (f"; {words}" if words else ""),
        user=user)
    db.session.flush()


def live_reveal(referral: LadoReferral, user: Any) -> LadoAdultReveal | None:
    return db.session.scalar(
        select(LadoAdultReveal).where(LadoAdultReveal.referral_id == referral.id,
                                  LadoAdultReveal.user_id == user.id,
                                  LadoAdultReveal.expires_at > utcnow())
        .order_by(LadoAdultReveal.expires_at.desc()).limit(1))


def shown(referral: LadoReferral, user: Any) -> tuple[dict[str, str | None] | None,
                                                   LadoAdultReveal | None]:
    """The sealed fields to show now (logged as `lado_identity_viewed`), or (None, None)."""
    live = live_reveal(referral, user)
    if live is None or not may_reveal_adult(user, referral) or is_destroyed(referral):
        return None, None
    values = read_sealed(referral, user)
    log(referral, "lado_identity_viewed", f"reveal {live.id}", user=user)
    return values, live
