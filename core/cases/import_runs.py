"""A checked CSV held between "Check file" and "Import", and the job that imports it.

The file is held encrypted like an attachment (its key sealed to the `CaseImport` row) and
deleted as soon as it is imported, refused, or an hour old. The job gets the import's id and
nothing else; it checks the file again (someone may have coded one of its cases meanwhile) and
then writes every case in one transaction, or none.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app, url_for
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from core import timeutil
from core.cases.importer import ImportCheck, check_file, write_cases
from core.cases.models import CaseImport
from core.cases.sealed_files import (
    new_file_key,
    new_storage_key,
    read_all,
    storage_path,
    write_sealed,
)
from core.extensions import db
from core.identity.models import Agency, Partnership, User
from core.jobs import JobRecord, enqueue, job_progress

JOB_NAME = "core.case_import"
HELD_FOR = timedelta(hours=1)
EXPIRED = "The checked file is kept for one hour only. Check the file again to import it."
CHANGED = ("Nothing was imported: the file now has {n} problem{s} (for example, one of its cases "
           "was coded since the file was checked). Check the file again.")
CLASHED = ("Nothing was imported: someone coded one of these cases at the same time. Check the "
           "file again.")

Progress = Callable[[int], None]


def root() -> Path:
    return Path(current_app.instance_path) / "case_imports"


def hold(data: bytes, partnership: Partnership, agency: Agency, check: ImportCheck,
         by: User | None) -> CaseImport:
    """Keep a checked file encrypted on disk until it is imported. Does not commit."""
    held = CaseImport(partnership_id=partnership.id, agency_id=agency.id,
                      uploaded_by_id=getattr(by, "id", None), uploaded_at=timeutil.utcnow(),
                      rows=len(check.rows), storage_key=new_storage_key(), status="checked")
    file_key = new_file_key()
    path = storage_path(root(), held.storage_key)
    write_sealed(io.BytesIO(data), path, file_key, held.id)
    try:
        held.seal("file_key", file_key)
        db.session.add(held)
        db.session.flush()
    except Exception:
        path.unlink(missing_ok=True)  # no row, no file
        raise
    return held


def held_data(held: CaseImport) -> bytes | None:
    """The file's bytes, or None once it has been deleted."""
    if not held.storage_key or not held.file_key_enc:
        return None
    path = storage_path(root(), held.storage_key)
    if not path.exists():
        return None
    return read_all(path, held.unseal("file_key"), held.id)


def forget_file(held: CaseImport) -> None:
    """Delete the held file and its key (the row stays, with counts only)."""
    if held.storage_key:
        storage_path(root(), held.storage_key).unlink(missing_ok=True)
    held.storage_key = None
    held.file_key_enc = None


def is_expired(held: CaseImport, now: datetime | None = None) -> bool:
    return held.uploaded_at + HELD_FOR < (now or timeutil.utcnow())


def purge_expired(now: datetime | None = None) -> int:
    """Delete every held file older than an hour; returns how many. Does not commit."""
    cutoff = (now or timeutil.utcnow()) - HELD_FOR
    stale = db.session.scalars(select(CaseImport).where(
        CaseImport.storage_key.is_not(None), CaseImport.uploaded_at < cutoff)).all()
    for held in stale:
        forget_file(held)
        if held.status in ("checked", "queued"):
            _finish(held, "expired", EXPIRED)
    return len(stale)


def _finish(held: CaseImport, status: str, problem: str | None = None) -> None:
    held.status, held.problem, held.finished_at = status, problem, timeutil.utcnow()


def _claim(import_id: str) -> bool:
    """Mark the import as running unless another run has it (or it is done)."""
    claimed = db.session.execute(
        update(CaseImport).where(CaseImport.id == import_id,
                                 CaseImport.status.in_(("checked", "queued")))
        .values(status="importing").execution_options(synchronize_session=False))
    return claimed.rowcount == 1


def _fail(import_id: str, status: str, problem: str) -> CaseImport:
    db.session.rollback()
    held = db.session.get(CaseImport, import_id)
    forget_file(held)
    _finish(held, status, problem)
    db.session.commit()
    return held


def run_import(import_id: str, progress: Progress | None = None) -> CaseImport | None:
    """Import a held file: all of its cases in one commit, or none. Safe to run twice."""
    held = db.session.get(CaseImport, import_id)
    if held is None or not _claim(import_id):
        return held
    db.session.refresh(held)
    data = held_data(held) if not is_expired(held) else None
    if data is None:
        return _fail(import_id, "expired", EXPIRED)
    check = check_file(data, held.partnership, held.agency)
    if not check.ok:
        count = len(check.errors)
        return _fail(import_id, "failed", CHANGED.format(n=count, s="" if count == 1 else "s"))
    by = db.session.get(User, held.uploaded_by_id) if held.uploaded_by_id else None
    try:
        cases = write_cases(check, held.partnership, held.agency, by, import_id=held.id,
                            progress=progress)
        held.imported = len(cases)
        forget_file_after = storage_path(root(), held.storage_key)
        held.storage_key, held.file_key_enc = None, None
        _finish(held, "imported")
        db.session.commit()
    except IntegrityError:
        return _fail(import_id, "failed", CLASHED)
    forget_file_after.unlink(missing_ok=True)
    return held


def start_job(held: CaseImport) -> JobRecord:
    """Queue the import job (it starts once the caller's transaction commits): ids only."""
    return enqueue(JOB_NAME, import_id=held.id, partnership_id=held.partnership_id)


def job_url(job: JobRecord) -> str:
    return url_for("jobs.show", job_id=job.id)


def import_job(import_id: str) -> dict:
    """The background job: import one held file, with progress and a link to the result."""
    held = run_import(import_id, progress=job_progress)
    job_progress(100, result_url=url_for("cases.import_result", import_id=import_id))
    if held is None:
        return {"status": "missing"}
    return {"status": held.status, "imported": held.imported}


def purge_job() -> dict:
    """The scheduled job that deletes held files older than an hour."""
    deleted = purge_expired()
    db.session.commit()
    return {"deleted": deleted}
