"""Asking for an export, building it in a job, reading it back, and purging it when it expires.

`request_export` records what was asked (dates and ids only) and enqueues `core.build_export`
in the caller's transaction. The job rebuilds the report or reads the action plan *as the
person who asked* (their reach is checked again), writes the file encrypted under a key of its
own (`core.cases.sealed_files`), logs `export_created` to the access log and links the result.
Files are kept `EXPORT_KEEP_HOURS` (default 24) and then shredded by `core.purge_exports`.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import select

from core.accesslog.chain import append
from core.cases.sealed_files import (
    new_file_key,
    new_storage_key,
    read_sealed,
    storage_path,
    write_sealed,
)
from core.exports import action_plans, csvfile, pdf, xlsx
from core.exports.content import MARKING, Document, report_document
from core.exports.models import ExportFile
from core.extensions import db
from core.identity.models import Partnership, User
from core.jobs import enqueue, job_progress
from core.reports.compose import build_report
from core.reports.scope import place_for
from core.reports.sections import ReportContext
from core.timeutil import format_london, utcnow

DEFAULT_KEEP_HOURS = 24


class ExportRefused(PermissionError):
    """The person who asked may no longer see what the export would contain."""


def keep_for() -> timedelta:
    return timedelta(hours=int(current_app.config.get("EXPORT_KEEP_HOURS", DEFAULT_KEEP_HOURS)))


def root() -> Path:
    return Path(current_app.instance_path) / "exports"


def path_of(export: ExportFile) -> Path:
    return storage_path(root(), export.storage_key)


def request_export(user: User, kind: str, fmt: str, partnership_id: int, params: dict[str, Any],
                   permission: str) -> ExportFile:
    """Record the request and queue its job; the caller commits (then the job runs)."""
    export = ExportFile(kind=kind, format=fmt, partnership_id=partnership_id,
                        params=json.dumps(params, sort_keys=True), permission=permission,
                        created_by_id=user.id, created_at=utcnow(), status="queued")
    db.session.add(export)
    db.session.flush()
    job = enqueue("core.build_export", created_by=user.id, partnership_id=partnership_id,
                  export_id=export.id)
    export.job_id = job.id
    return export


# --- Building (inside the job) -------------------------------------------------------------


def build(export_id: str) -> dict[str, Any]:
    export = db.session.get(ExportFile, export_id)
    if export is None or export.status not in ("queued", "building"):
        return {"status": "skipped"}
    user = db.session.get(User, export.created_by_id)
    if user is None or not user.is_active:
        raise ExportRefused("the person who asked for this export can no longer sign in")
    export.status = "building"
    job_progress(5)
    content, summary = _content(export, user)
    job_progress(80)
    _store(export, content)
    export.status, export.finished_at = "ready", utcnow()
    export.expires_at = export.finished_at + keep_for()
    try:
        append("export_created", export.kind, export.id, user=user,
               partnership_id=export.partnership_id, detail=f"{export.format}; {summary}")
    except Exception:
        path_of(export).unlink(missing_ok=True)  # not logged, so not kept (fail secure)
        raise
    job_progress(100, result_url=f"/exports/{export.id}")
    return {"format": export.format, "bytes": export.size}


def _content(export: ExportFile, user: User) -> tuple[bytes, str]:
    if export.kind == "report":
        return _report(export, user)
    if export.kind == "action_plan":
        return _action_plan(export, user)
    raise ValueError(f"unknown export kind '{export.kind}'")


def report_context(export: ExportFile, user: User) -> ReportContext:
    options = export.options
    place = place_for(user, export.partnership_id, options.get("agency"), options.get("team"))
    if place is None:
        raise ExportRefused("the report is no longer within the person's reach")
    return ReportContext(place.partnership, date.fromisoformat(options["start"]),
                         date.fromisoformat(options["end"]), options["period"], place.agency,
                         place.team, user)


def _report(export: ExportFile, user: User) -> tuple[bytes, str]:
    context = report_context(export, user)
    document = report_document(build_report(context))
    job_progress(50)
    writers = {"xlsx": xlsx.document_xlsx, "csv": csvfile.document_csv, "pdf": pdf.document_pdf}
    summary = f"{context.scope_label}; {context.start.isoformat()} to {context.end.isoformat()}"
    return writers[export.format](document), summary


def _action_plan(export: ExportFile, user: User) -> tuple[bytes, str]:
    filters = {**export.options, "partnership": export.partnership_id}
    keys, rows = action_plans.plan_rows(user, filters)
    export.rows = len(rows)
    job_progress(40)
    partnership = db.session.get(Partnership, export.partnership_id)
    document = Document(f"Action plan: {partnership.name}", [
        ("Actions", str(len(rows))), ("Built", format_london(utcnow()))], marking=MARKING)
    headings = [action_plans.heading(k) for k in keys]
    if export.format == "xlsx":
        content = xlsx.rows_xlsx(document, headings, rows, "Actions")
    elif export.format == "csv":
        content = csvfile.rows_csv(headings, rows, MARKING)
    else:
        content = pdf.rows_pdf(document, *action_plans.pdf_view(keys, rows))
    return content, f"{partnership.name}; {len(rows)} actions"


def _store(export: ExportFile, content: bytes) -> None:
    key = new_file_key()
    export.storage_key = new_storage_key()
    written = write_sealed(io.BytesIO(content), path_of(export), key, export.id)
    export.size, export.sha256 = written.size, written.sha256
    export.seal("file_key", key)


# --- Reading and purging ---------------------------------------------------------------------


def is_available(export: ExportFile) -> bool:
    return (export.status == "ready" and export.file_key_enc is not None
            and export.expires_at is not None and export.expires_at > utcnow())


def open_content(export: ExportFile) -> Iterator[bytes]:
    """The decrypted file, chunk by chunk (raises FileDamaged or OSError)."""
    return read_sealed(path_of(export), export.unseal("file_key"), export.id)


def download_name(export: ExportFile) -> str:
    """A file name of dates and a short reference only."""
    stem = "qa-report" if export.kind == "report" else "action-plan"
    return f"{stem}-{export.created_at:%Y%m%d-%H%M}-{export.id[:6]}.{export.format}"


def log_download(export: ExportFile, user: User) -> None:
    append("export_downloaded", export.kind, export.id, user=user,
           partnership_id=export.partnership_id, detail=export.format)


def purge_expired() -> dict[str, int]:
    """Shred every export past its expiry (and forget requests that never finished)."""
    now, purged = utcnow(), 0
    due = select(ExportFile).where(ExportFile.status.in_(("ready", "queued", "building")))
    for export in db.session.scalars(due):
        stale = export.created_at + keep_for() < now
        if (export.expires_at is not None and export.expires_at <= now) or stale:
            _shred(export, now)
            purged += 1
    return {"purged": purged}


def _shred(export: ExportFile, now) -> None:
    if export.storage_key:
        path_of(export).unlink(missing_ok=True)
    export.file_key_enc, export.sha256 = None, None
    export.status, export.purged_at = "expired", now
