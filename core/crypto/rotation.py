"""Key rotation that can be interrupted at any row and resumed without loss.

Master rotation re-wraps each data key under the primary master version, one row per commit.
Data rotation gives each partnership a new data key and re-encrypts every sealed field, one batch
per commit. Old keys stay available until nothing uses them, so an interrupted run leaves every
row readable, and re-running picks up exactly the rows not yet done.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from core.crypto import envelope, keyring
from core.crypto.fields import encrypted_models
from core.crypto.models import DataKey
from core.extensions import db
from core.identity.models import Partnership

Progress = Callable[[int], None]


def master_rotation_pending() -> list[DataKey]:
    primary = keyring.primary_version()
    return list(db.session.scalars(
        select(DataKey).where(DataKey.master_version != primary).order_by(DataKey.id)))


def rewrap_data_keys(progress: Progress | None = None) -> int:
    """Re-wrap every data key not yet under the primary master key; returns how many."""
    primary = keyring.primary_version()
    done = 0
    for row in master_rotation_pending():
        key = envelope.unwrap(row)
        row.wrapped = envelope.wrap(key, row.partnership_id, row.version, primary)
        row.master_version = primary
        db.session.commit()
        done += 1
        if progress:
            progress(done)
    envelope.clear_cache()
    return done


def rotate_master(progress: Progress | None = None) -> tuple[int | None, int]:
    """Add a master version (unless a previous rotation is unfinished) and re-wrap."""
    added = None if master_rotation_pending() else keyring.add_master_version()
    return added, rewrap_data_keys(progress)


def _current_key_ids() -> dict[int, int]:
    rows = db.session.execute(select(DataKey.partnership_id, DataKey.id, DataKey.version))
    latest: dict[int, tuple[int, int]] = {}
    for pid, key_id, version in rows:
        if pid not in latest or version > latest[pid][1]:
            latest[pid] = (key_id, version)
    return {pid: key_id for pid, (key_id, _) in latest.items()}


def _stale_fields(row: object, current: dict[int, int]) -> list[str]:
    wanted = current.get(row.encryption_partnership_id())
    tokens = {f: getattr(row, f"{f}_enc") for f in row.__encrypted__}
    return [f for f, token in tokens.items() if token and envelope.token_key_id(token) != wanted]


def data_rotation_pending() -> int:
    current = _current_key_ids()
    return sum(bool(_stale_fields(r, current))
               for model in encrypted_models() for r in db.session.scalars(select(model)))


def start_data_rotation() -> int:
    """Give every partnership that has a data key a new one; returns how many."""
    ids = db.session.scalars(select(Partnership.id).where(
        Partnership.id.in_(select(DataKey.partnership_id)))).all()
    for pid in ids:
        envelope.new_data_key(pid)
    db.session.commit()
    return len(ids)


def reencrypt_fields(progress: Progress | None = None, batch: int = 200) -> int:
    """Re-seal every field not under its partnership's current data key; returns rows done."""
    current = _current_key_ids()
    done = 0
    for model in encrypted_models():
        for row in db.session.scalars(select(model).order_by(model.id)).all():
            stale = _stale_fields(row, current)
            for field in stale:
                row.seal(field, row.unseal(field))
            if stale:
                done += 1
                if done % batch == 0:
                    db.session.commit()
                if progress:
                    progress(done)
    db.session.commit()
    return done


def rotate_data(progress: Progress | None = None) -> tuple[int, int]:
    """Start a data rotation unless one is unfinished, then re-encrypt what remains."""
    started = 0 if data_rotation_pending() else start_data_rotation()
    return started, reencrypt_fields(progress)
