"""Small secrets bound to one user: the TOTP secret, and short-lived values kept in the cookie.

AES-256-GCM under a key derived (HKDF-SHA256) from the master key, with a separate `info` per
purpose so a key for one purpose never opens another's ciphertext. The associated data names
the purpose and the user id: a ciphertext copied onto another account does not open.

Token format: ``m<master key version>.<base64url(nonce || ciphertext+tag)>``, so secrets sealed
under an older master key still open after a new version becomes primary.
"""

from __future__ import annotations

import base64
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from core.crypto import keyring

MFA_SECRET = b"mfa-secret"


class SecretUnreadable(ValueError):
    """The sealed value is damaged or belongs to someone else."""


def _key(version: int, info: bytes) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info)
    return hkdf.derive(keyring.master_key(version))


def _aad(user_id: int, info: bytes) -> bytes:
    return b"user_account/" + info + b"/" + str(user_id).encode()


def seal(plaintext: str, user_id: int, info: bytes = MFA_SECRET) -> str:
    """Encrypt `plaintext` for `user_id` under the primary master key."""
    version = keyring.primary_version()
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(_key(version, info)).encrypt(nonce, plaintext.encode(), _aad(user_id, info))
    return f"m{version}." + base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")


def open_sealed(token: str, user_id: int, info: bytes = MFA_SECRET) -> str:
    """Decrypt a value from `seal`; raises SecretUnreadable rather than guessing."""
    try:
        head, body = token.split(".", 1)
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        key = _key(int(head.removeprefix("m")), info)
        return AESGCM(key).decrypt(raw[:12], raw[12:], _aad(user_id, info)).decode()
    except (ValueError, InvalidTag):  # a missing master key (KeyUnavailable) stays loud
        raise SecretUnreadable("The sealed value cannot be opened.") from None
