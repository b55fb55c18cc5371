"""HMAC-SHA256 blind index: exact-match lookups (duplicate case-record ids) without plaintext."""

from __future__ import annotations

import hashlib
import hmac

from core.crypto.keyring import blind_index_key


def normalise(value: str) -> str:
    return "".join(value.split()).upper()


def blind_index(partnership_id: int, kind: str, value: str) -> str:
    """Same value, same partnership, same kind → same digest; nothing else can be read from it."""
    message = f"{partnership_id}/{kind}/{normalise(value)}".encode()
    return hmac.new(blind_index_key(), message, hashlib.sha256).hexdigest()
