"""The archive file: a JSON header line, then a tar stream sealed under a one-off key.

The one-off key is wrapped with AES-256-GCM under a key derived (HKDF-SHA256) from the primary
master key; the header names that master key version. The tar itself is written with the same
chunked sealing as evidence files (`core.cases.sealed_files`), so reordering, truncation or any
changed byte fails on restore.
"""

from __future__ import annotations

import base64
import json
import secrets
from pathlib import Path
from typing import Any, BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from core.cases.sealed_files import FileDamaged, new_file_key, read_sealed, write_sealed
from core.crypto import keyring

MAGIC = "PARTNERSHIP-QA-BACKUP"
FORMAT = 1


class ArchiveInvalid(ValueError):
    """Not an archive of ours, damaged, or sealed under a master key this process lacks."""


def _wrapping_key(version: int) -> AESGCM:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"backup-archive")
    return AESGCM(hkdf.derive(keyring.master_key(version)))


def _wrap(file_key: str, archive_id: str, version: int) -> str:
    nonce = secrets.token_bytes(12)
    sealed = _wrapping_key(version).encrypt(nonce, file_key.encode(), archive_id.encode())
    return base64.urlsafe_b64encode(nonce + sealed).decode()


def _unwrap(header: dict[str, Any]) -> str:
    raw = base64.urlsafe_b64decode(header["key"])
    try:
        key = _wrapping_key(int(header["master_version"]))
        return key.decrypt(raw[:12], raw[12:], header["id"].encode()).decode()
    except (InvalidTag, keyring.KeyUnavailable) as exc:
        raise ArchiveInvalid("The archive's key does not open with this deployment's master "
                             f"key version {header['master_version']}.") from exc


def seal_archive(tar_stream: BinaryIO, out: Path, manifest: dict[str, Any]) -> None:
    """Write `tar_stream` to `out` as an archive whose header carries `manifest`."""
    archive_id, file_key = secrets.token_hex(16), new_file_key()
    version = keyring.primary_version()
    header = {"magic": MAGIC, "format": FORMAT, "id": archive_id, "master_version": version,
              "key": _wrap(file_key, archive_id, version), "manifest": manifest}
    body = out.with_name(out.name + ".body")
    try:
        write_sealed(tar_stream, body, file_key, f"backup/{archive_id}")
        with open(out, "wb") as handle, open(body, "rb") as sealed:
            handle.write(json.dumps(header, sort_keys=True).encode() + b"\n")
            while chunk := sealed.read(1 << 20):
                handle.write(chunk)
    finally:
        body.unlink(missing_ok=True)


def read_header(path: Path) -> tuple[dict[str, Any], int]:
    """The header and the offset where the sealed body starts."""
    with open(path, "rb") as handle:
        line = handle.readline(1 << 20)
    try:
        header = json.loads(line)
    except ValueError:
        raise ArchiveInvalid(f"{path} is not a backup archive.") from None
    if not isinstance(header, dict) or header.get("magic") != MAGIC:
        raise ArchiveInvalid(f"{path} is not a backup archive.")
    if header.get("format") != FORMAT:
        raise ArchiveInvalid(f"Archive format {header.get('format')} is not supported.")
    return header, len(line)


def open_archive(path: Path, into: BinaryIO) -> dict[str, Any]:
    """Decrypt the tar stream of `path` into `into`; return the header."""
    header, offset = read_header(path)
    file_key = _unwrap(header)
    body = path.with_name(path.name + ".restoring")
    try:
        with open(path, "rb") as source, open(body, "wb") as target:
            source.seek(offset)
            while chunk := source.read(1 << 20):
                target.write(chunk)
        for chunk in read_sealed(body, file_key, f"backup/{header['id']}"):
            into.write(chunk)
    except FileDamaged as exc:
        raise ArchiveInvalid(f"The archive is damaged: {exc}") from None
    finally:
        body.unlink(missing_ok=True)
    into.seek(0)
    return header
