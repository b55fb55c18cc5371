"""Master keys by version, read from config; never stored in the database or the repo.

`MASTER_KEY` (a string) is version 1. `MASTER_KEY_FILE` holds a JSON object of
`{"<version>": "<base64 32 bytes>"}`; its highest version is the primary used for new wraps, older
ones stay until `flask keys rotate` has re-wrapped every data key under the primary.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
from pathlib import Path

from flask import current_app


class KeyUnavailable(RuntimeError):
    """A needed key is missing: refuse rather than fall back to anything weaker."""


def _material(text: str) -> bytes:
    """32 key bytes from config text: base64 of 32 bytes, or else a SHA-256 of the text."""
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        if len(raw) == 32:
            return raw
    except ValueError:
        pass
    return hashlib.sha256(text.encode()).digest()


def _file_keys(path: str | None) -> dict[int, bytes]:
    if not path or not Path(path).exists():
        return {}
    data = json.loads(Path(path).read_text())
    return {int(v): _material(k) for v, k in data.items()}


def master_keys() -> dict[int, bytes]:
    """Every master key version available to this process."""
    cfg = current_app.config
    keys = _file_keys(cfg.get("MASTER_KEY_FILE"))
    if cfg.get("MASTER_KEY") and 1 not in keys:
        keys[1] = _material(cfg["MASTER_KEY"])
    if not keys:
        raise KeyUnavailable("No master key configured (MASTER_KEY or MASTER_KEY_FILE).")
    return keys


def primary_version() -> int:
    return max(master_keys())


def master_key(version: int) -> bytes:
    try:
        return master_keys()[version]
    except KeyError:
        raise KeyUnavailable(f"Master key version {version} is not configured.") from None


def add_master_version() -> int:
    """Write a new random master key version to MASTER_KEY_FILE and return its number."""
    path = current_app.config.get("MASTER_KEY_FILE")
    if not path:
        raise KeyUnavailable(
            "MASTER_KEY_FILE is not set: rotation adds a version to that file. Set it (the "
            "current MASTER_KEY stays version 1) and run the command again."
        )
    current = {str(v): base64.urlsafe_b64encode(k).decode() for v, k in master_keys().items()}
    version = max(int(v) for v in current) + 1
    current[str(version)] = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    tmp = Path(f"{path}.tmp")
    tmp.write_text(json.dumps(current, indent=1))
    tmp.chmod(0o600)
    os.replace(tmp, path)
    return version


def blind_index_key() -> bytes:
    """The HMAC key for exact-match lookups, held apart from the encryption keys."""
    text = current_app.config.get("BLIND_INDEX_KEY")
    if not text:
        raise KeyUnavailable("BLIND_INDEX_KEY is not configured: duplicate checks cannot run.")
    return _material(text)
