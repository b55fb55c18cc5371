"""Files encrypted on disk in chunks, so neither writing nor reading holds a whole file in memory.

Each file has its own random 256-bit key. The key is sealed into the database row that owns the
file (an `EncryptedFields` column), so it sits under the partnership data key like identity,
`flask keys rotate --data` re-seals it with everything else, and clearing it shreds the file even
where a copy of the bytes survives.

Layout: ``MAGIC`` then records of ``nonce (12) || AES-256-GCM(chunk) (len + 16)``. Every chunk is
``CHUNK`` bytes except the last. The associated data of a chunk binds the owner's id, the chunk's
position and whether it is the last one, so records cannot be reordered, moved to another file or
cut off at the end without decryption failing.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"QAF1"
CHUNK = 64 * 1024
NONCE = 12
TAG = 16
RECORD = NONCE + CHUNK + TAG


class FileTooLarge(ValueError):
    """The source held more than the allowed number of bytes (nothing was kept)."""


class FileDamaged(ValueError):
    """The file does not decrypt with this key and owner: altered, truncated or misplaced."""


@dataclass(frozen=True)
class Written:
    size: int
    sha256: str


def new_file_key() -> str:
    """A fresh file key as text, ready to be sealed into the owning row."""
    return base64.urlsafe_b64encode(AESGCM.generate_key(256)).decode()


def new_storage_key() -> str:
    """A random name for the file on disk: nothing of the original name or its owner."""
    return secrets.token_hex(24)


def storage_path(root: Path, storage_key: str) -> Path:
    """Where a file lives: ``<root>/<first 2 hex>/<storage key>`` (keys are hex, so no paths)."""
    if not storage_key or any(c not in "0123456789abcdef" for c in storage_key):
        raise ValueError("A storage key is lower-case hex.")
    return root / storage_key[:2] / storage_key


def _aad(owner_id: str, index: int, final: bool) -> bytes:
    return f"file/{owner_id}/{index}/{int(final)}".encode()


def _chunks(source: BinaryIO, limit: int | None) -> Iterator[tuple[bytes, bool]]:
    """(chunk, is_last) pairs, reading one chunk ahead; raises FileTooLarge past `limit`."""
    total = 0
    current = source.read(CHUNK)
    while True:
        total += len(current)
        if limit is not None and total > limit:
            raise FileTooLarge(f"More than {limit} bytes.")
        following = source.read(CHUNK) if len(current) == CHUNK else b""
        yield current, not following
        if not following:
            return
        current = following


def write_sealed(source: BinaryIO, path: Path, file_key: str, owner_id: str,
                 limit: int | None = None) -> Written:
    """Encrypt `source` into `path` (atomically: a partial file never appears there)."""
    cipher = AESGCM(base64.urlsafe_b64decode(file_key))
    digest, size = hashlib.sha256(), 0
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".part")
    try:
        with open(temporary, "wb") as out:
            out.write(MAGIC)
            for index, (chunk, final) in enumerate(_chunks(source, limit)):
                digest.update(chunk)
                size += len(chunk)
                nonce = secrets.token_bytes(NONCE)
                out.write(nonce + cipher.encrypt(nonce, chunk, _aad(owner_id, index, final)))
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return Written(size, digest.hexdigest())


def read_sealed(path: Path, file_key: str, owner_id: str) -> Iterator[bytes]:
    """The plaintext, chunk by chunk; raises FileDamaged as soon as anything does not fit."""
    cipher = AESGCM(base64.urlsafe_b64decode(file_key))
    with open(path, "rb") as handle:
        if handle.read(len(MAGIC)) != MAGIC:
            raise FileDamaged("Not a sealed file.")
        record, index = handle.read(RECORD), 0
        while True:
            following = handle.read(RECORD) if len(record) == RECORD else b""
            final = not following
            try:
                plain = cipher.decrypt(record[:NONCE], record[NONCE:], _aad(owner_id, index, final))
            except (InvalidTag, ValueError):
                raise FileDamaged("The file does not decrypt.") from None
            yield plain
            if final:
                return
            record, index = following, index + 1


def read_all(path: Path, file_key: str, owner_id: str) -> bytes:
    """The whole plaintext (for small files such as a pending import)."""
    return b"".join(read_sealed(path, file_key, owner_id))
