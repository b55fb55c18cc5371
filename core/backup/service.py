"""Making an archive from the live database and files, and restoring one into an empty one."""

from __future__ import annotations

import io
import json
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import text

from core.backup.archive import ArchiveInvalid, open_archive, seal_archive
from core.backup.tables import dump_rows, load_rows, reset_sequences, row_count, tables
from core.extensions import db
from core.timeutil import utcnow

SPOOL = 64 * 1024 * 1024  # build the tar in memory up to this size, then on disk


@dataclass
class Restored:
    counts: dict[str, int]
    files: int


def _revision() -> str | None:
    try:
        return db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:  # a database made by create_all has no alembic_version table
        db.session.rollback()
        return None


def _instance_files() -> Iterator[Path]:
    """Files in the instance folder's subfolders; top-level files (SQLite, secrets) stay out."""
    root = Path(current_app.instance_path)
    for folder in sorted(p for p in root.iterdir() if p.is_dir()) if root.exists() else []:
        yield from sorted(p for p in folder.rglob("*") if p.is_file()
                          and not p.name.endswith((".part", ".body", ".restoring")))


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime = len(data), int(utcnow().timestamp())
    tar.addfile(info, io.BytesIO(data))


def _add_table(tar: tarfile.TarFile, table) -> int:
    """Rows go through a temporary file so a large table never sits in memory."""
    with tempfile.TemporaryFile() as rows:
        count = 0
        for line in dump_rows(table):
            rows.write(line)
            count += 1
        info = tarfile.TarInfo(f"tables/{table.name}.jsonl")
        info.size, info.mtime = rows.tell(), int(utcnow().timestamp())
        rows.seek(0)
        tar.addfile(info, rows)
    return count


def make_backup(out: Path) -> dict[str, Any]:
    """Write the archive to `out`; return its manifest (table counts, files, revision)."""
    manifest: dict[str, Any] = {"created_at": utcnow().isoformat(), "revision": _revision(),
                                "tables": {}, "files": 0}
    root = Path(current_app.instance_path)
    with tempfile.SpooledTemporaryFile(max_size=SPOOL) as spool:
        with tarfile.open(fileobj=spool, mode="w") as tar:
            for table in tables():
                manifest["tables"][table.name] = _add_table(tar, table)
            for path in _instance_files():
                tar.add(path, arcname=f"files/{path.relative_to(root).as_posix()}")
                manifest["files"] += 1
            _add_bytes(tar, "manifest.json", json.dumps(manifest, sort_keys=True).encode())
        spool.seek(0)
        seal_archive(spool, out, manifest)
    return manifest


def _check_empty() -> None:
    filled = [t.name for t in tables() if row_count(t)]
    if filled:
        raise ArchiveInvalid("Restore needs an empty database (run 'flask db upgrade' on a new "
                             f"one); these tables have rows: {', '.join(filled[:5])}.")


def _restore_tables(tar: tarfile.TarFile, manifest: dict[str, Any]) -> dict[str, int]:
    known = {t.name: t for t in tables()}
    missing = sorted(set(manifest["tables"]) - set(known))
    if missing:
        raise ArchiveInvalid(f"The archive has tables this version does not know: {missing}.")
    counts = {}
    for table in tables():
        member = tar.extractfile(f"tables/{table.name}.jsonl") if table.name in manifest[
            "tables"] else None
        counts[table.name] = load_rows(table, iter(member.readline, b"")) if member else 0
    return counts


def _restore_files(tar: tarfile.TarFile) -> int:
    root = Path(current_app.instance_path).resolve()
    restored = 0
    for member in tar.getmembers():
        if not member.name.startswith("files/") or not member.isfile():
            continue
        target = (root / member.name.removeprefix("files/")).resolve()
        if root not in target.parents:
            raise ArchiveInvalid(f"The archive names a file outside the instance: {member.name}")
        target.parent.mkdir(parents=True, exist_ok=True)
        with tar.extractfile(member) as source, open(target, "wb") as out:
            out.write(source.read())
        restored += 1
    return restored


def restore_backup(path: Path) -> Restored:
    """Load the archive into this (empty, migrated) database and instance folder, all or none."""
    _check_empty()
    with tempfile.SpooledTemporaryFile(max_size=SPOOL) as spool:
        header = open_archive(path, spool)
        manifest = header["manifest"]
        with tarfile.open(fileobj=spool, mode="r") as tar:
            try:
                counts = _restore_tables(tar, manifest)
                reset_sequences()
                db.session.commit()
            except Exception:
                db.session.rollback()
                raise
            files = _restore_files(tar)
    wrong = {n: (counts.get(n), c) for n, c in manifest["tables"].items() if counts.get(n) != c}
    if wrong:
        raise ArchiveInvalid(f"Row counts differ from the archive's manifest: {wrong}.")
    return Restored(counts, files)
