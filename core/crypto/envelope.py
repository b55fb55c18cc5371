"""AES-256-GCM field encryption under per-partnership data keys.

Token format: ``v1.<data key id>.<base64(nonce || ciphertext+tag)>``. The associated data is
``<table>/<column>/<row id>``: decrypting with any other binding fails, so ciphertexts cannot be
moved between rows or columns. Unwrapped data keys are cached per process by id; rotation clears
the cache.
"""

from __future__ import annotations

import base64
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app
from sqlalchemy import select

from core.crypto import keyring
from core.crypto.models import DataKey
from core.extensions import db

PREFIX = "v1"


class DecryptionFailed(ValueError):
    """The ciphertext does not belong here or was altered. Says nothing of the content."""


def _wrap_aad(partnership_id: int, version: int) -> bytes:
    return f"data_key/{partnership_id}/{version}".encode()


def wrap(key: bytes, partnership_id: int, version: int, master_version: int) -> bytes:
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(keyring.master_key(master_version)).encrypt(
        nonce, key, _wrap_aad(partnership_id, version))
    return nonce + sealed


def unwrap(row: DataKey) -> bytes:
    master = AESGCM(keyring.master_key(row.master_version))
    try:
        return master.decrypt(row.wrapped[:12], row.wrapped[12:],
                              _wrap_aad(row.partnership_id, row.version))
    except InvalidTag:
        raise DecryptionFailed(f"Data key {row.id} does not unwrap.") from None


def new_data_key(partnership_id: int) -> DataKey:
    """Add the partnership's next data key version (wrapped by the primary master key)."""
    latest = current_data_key(partnership_id, create=False)
    version = (latest.version + 1) if latest else 1
    master_version = keyring.primary_version()
    row = DataKey(partnership_id=partnership_id, version=version, master_version=master_version,
                  wrapped=wrap(AESGCM.generate_key(256), partnership_id, version, master_version))
    db.session.add(row)
    db.session.flush()
    return row


def current_data_key(partnership_id: int, create: bool = True) -> DataKey | None:
    row = db.session.scalar(
        select(DataKey).where(DataKey.partnership_id == partnership_id)
        .order_by(DataKey.version.desc()).limit(1)
    )
    if row is None and create:
        row = new_data_key(partnership_id)
    return row


def _cache() -> dict[tuple[int, bytes], bytes]:
    """Unwrapped data keys per app, keyed by id and wrapped bytes (an id reused after a
    rollback, or a re-wrapped key, never meets a stale entry)."""
    return current_app.extensions.setdefault("data_key_cache", {})


def _key(data_key_id: int) -> bytes:
    row = db.session.get(DataKey, data_key_id)
    if row is None:
        raise DecryptionFailed("Unknown data key.")
    cache = _cache()
    slot = (row.id, row.wrapped)
    if slot not in cache:
        cache[slot] = unwrap(row)
    return cache[slot]


def clear_cache() -> None:
    _cache().clear()


def binding(table: str, column: str, row_id: object) -> bytes:
    return f"{table}/{column}/{row_id}".encode()


def encrypt(partnership_id: int, aad: bytes, plaintext: str) -> str:
    return encrypt_with(current_data_key(partnership_id), aad, plaintext)


def encrypt_with(key_row: DataKey, aad: bytes, plaintext: str) -> str:
    """`encrypt` under a data key the caller looked up once (bulk coding seals 50,000 fields)."""
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(_key(key_row.id)).encrypt(nonce, plaintext.encode(), aad)
    return f"{PREFIX}.{key_row.id}.{base64.urlsafe_b64encode(nonce + sealed).decode()}"


def token_key_id(token: str) -> int:
    prefix, key_id, _ = token.split(".", 2)
    if prefix != PREFIX:
        raise DecryptionFailed("Unknown ciphertext format.")
    return int(key_id)


def decrypt(aad: bytes, token: str) -> str:
    try:
        key_id = token_key_id(token)
        blob = base64.urlsafe_b64decode(token.split(".", 2)[2])
        return AESGCM(_key(key_id)).decrypt(blob[:12], blob[12:], aad).decode()
    except (InvalidTag, ValueError, IndexError):
        raise DecryptionFailed("The ciphertext does not decrypt for this field and row.") from None
