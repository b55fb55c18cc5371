"""Retention: closed cases are destroyed a set number of years after they close.

The period is `RETENTION_YEARS` from config (default 3), unless a partnership has its own
(`RetentionSetting`, changed on the retention page). A case under legal hold is never due.
Destroying a case clears every identity column and the blind index, asks plugins to remove their
narrative (`qa_on_case_destroyed`), shreds its evidence files, and keeps the row with its
non-identifying attributes for trend reports; a `DestructionRecord` and a `retention_destroyed`
access-log entry say what went, never what it said. Each case is one transaction, so a failure
leaves that case whole and the run carries on; a second run finds nothing left to do.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import and_, false, or_, select

from core import timeutil
from core.accesslog.chain import append
from core.cases import attachments as files
from core.cases.import_runs import purge_expired
from core.cases.models import (
    IDENTITY_FIELDS,
    Attachment,
    Case,
    DestructionRecord,
    RetentionSetting,
)
from core.documents.service import sweep_removed
from core.extensions import db
from core.identity.models import Partnership
from core.jobs.single_runner import AlreadyRunning, single_runner

logger = logging.getLogger("partnership_audit.retention")
DEFAULT_YEARS = 3
MIN_YEARS, MAX_YEARS = 1, 25
MAX_REASON = 300


# --- Periods ------------------------------------------------------------------------------------


def default_years() -> int:
    return int(current_app.config.get("RETENTION_YEARS", DEFAULT_YEARS))


def years_by_partnership() -> dict[int, int]:
    """Every partnership's retention period in years (its own, or the default)."""
    own = dict(db.session.execute(select(RetentionSetting.partnership_id,
                                         RetentionSetting.years)).all())
    ids = db.session.scalars(select(Partnership.id)).all()
    return {pid: own.get(pid, default_years()) for pid in ids}


def set_years(partnership: Partnership, years: int, by: Any) -> None:
    """Give a partnership its own period; logs `retention_period_changed`. Does not commit."""
    if not MIN_YEARS <= years <= MAX_YEARS:
        raise ValueError(f"years must be {MIN_YEARS} to {MAX_YEARS}")
    setting = db.session.get(RetentionSetting, partnership.id)
    before = setting.years if setting else default_years()
    if setting is None:
        setting = RetentionSetting(partnership_id=partnership.id)
        db.session.add(setting)
    setting.years, setting.changed_at = years, timeutil.utcnow()
    setting.changed_by_id = getattr(by, "id", None)
    append("retention_period_changed", "partnership", partnership.code_prefix, user=by,
           partnership_id=partnership.id, detail=f"{before} -> {years} years")


def add_years(moment: datetime, years: int) -> datetime:
    """The same day and time `years` later (29 February becomes 28 February)."""
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:
        return moment.replace(year=moment.year + years, day=28)


def due_at(case: Case, years: int) -> datetime | None:
    return None if case.closed_at is None else add_years(case.closed_at, years)


# --- What is due ----------------------------------------------------------------------------


def _closed_before(cutoffs: dict[int, datetime]):
    """Cases of each partnership that closed on or before its cutoff."""
    if not cutoffs:
        return false()
    return or_(*(and_(Case.partnership_id == pid, Case.closed_at <= cutoff)
                 for pid, cutoff in cutoffs.items()))


def _candidates(when: datetime, partnership_ids: set[int] | None, held: bool):
    years = years_by_partnership()
    if partnership_ids is not None:
        years = {pid: y for pid, y in years.items() if pid in partnership_ids}
    cutoffs = {pid: add_years(when, -y) for pid, y in years.items()}
    query = select(Case).where(Case.closed_at.is_not(None), Case.destroyed_at.is_(None),
                               _closed_before(cutoffs))
    if not held:
        query = query.where(Case.legal_hold.is_(False))
    return query.order_by(Case.closed_at, Case.code), years


def due_for_destruction(now: datetime | None = None) -> list[Case]:
    """Closed cases whose period has run out by `now`, not on legal hold, not yet destroyed."""
    query, _ = _candidates(now or timeutil.utcnow(), None, held=False)
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class Upcoming:
    case: Case
    due: datetime
    held: bool


def upcoming(partnership_ids: set[int] | None, until: datetime) -> list[Upcoming]:
    """Cases due by `until` (overdue ones too), including those on legal hold, marked."""
    query, years = _candidates(until, partnership_ids, held=True)
    return [Upcoming(c, due_at(c, years[c.partnership_id]), c.legal_hold)
            for c in db.session.scalars(query)]


# --- Destroying -------------------------------------------------------------------------------


def _what(attachment_count: int) -> str:
    noun = "file" if attachment_count == 1 else "files"
    return f"identity, narrative, {attachment_count} {noun}"


def destroy(case: Case, run_id: str, now: datetime | None = None) -> list[Attachment]:
    """Destroy a case's identity, narrative and files, keeping its clear attributes.

    Does not commit; returns the shredded attachments, whose files the caller deletes once
    the transaction has committed (`attachments.discard`).
    """
    if case.legal_hold or case.destroyed_at is not None:
        raise ValueError(f"Case {case.code} is on legal hold or already destroyed.")
    now = now or timeutil.utcnow()
    for name in IDENTITY_FIELDS:
        setattr(case, f"{name}_enc", None)
    case.record_id_index = None
    current_app.extensions["plugins"].fire("qa_on_case_destroyed", case=case)
    shredded = files.attachments_for(case)
    for attachment in shredded:
        files.shred(attachment, now)
    case.destroyed_at = now
    what = _what(len(shredded))
    db.session.add(DestructionRecord(at=now, partnership_id=case.partnership_id,
                                     object_type="case", object_code=case.code, what=what,
                                     run_id=run_id))
    append("retention_destroyed", "case", case.code, partnership_id=case.partnership_id,
           detail=f"run {run_id}; {what}")
    db.session.flush()
    return shredded


@dataclass
class RunResult:
    run_id: str
    destroyed: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def run_retention(now: datetime | None = None) -> RunResult:
    """Destroy everything due, one case per transaction. Idempotent: a rerun finds nothing.

    Raises AlreadyRunning while another run (the nightly job, or an operator's) is going.
    """
    with single_runner("retention"):
        return _run(now or timeutil.utcnow())


def _run(now: datetime) -> RunResult:
    result = RunResult(run_id=uuid.uuid4().hex)
    for code in [c.code for c in due_for_destruction(now)]:
        case = db.session.scalar(select(Case).where(Case.code == code))
        try:
            shredded = destroy(case, result.run_id, now)
            db.session.commit()
        except Exception as exc:  # one case failing must not stop the others; it stays whole
            db.session.rollback()
            logger.error("retention could not destroy case %s: %s", code, type(exc).__name__)
            result.failed.append(code)
            continue
        for attachment in shredded:
            files.discard(attachment)
        result.destroyed.append(code)
    sweep_files()
    purge_expired(now)
    db.session.commit()
    return result


def sweep_files() -> int:
    """Delete any shredded attachment's or removed document's file still on disk (after a
    crash between the commit and the delete, or a document a plugin shredded in the
    destruction hook); returns how many were found."""
    found = sweep_removed()
    for attachment in db.session.scalars(select(Attachment).where(
            Attachment.destroyed_at.is_not(None))):
        if files.path_of(attachment).exists():
            files.discard(attachment)
            found += 1
    return found


def retention_job() -> dict:
    """The daily scheduled job (02:30 London time); its result holds counts, not codes."""
    try:
        result = run_retention()
    except AlreadyRunning:
        logger.info("retention run skipped: another run is in progress")
        return {"skipped": "another retention run is in progress"}
    logger.info("retention run %s destroyed %d cases, %d failed", result.run_id,
                len(result.destroyed), len(result.failed))
    return {"run": result.run_id, "destroyed": len(result.destroyed),
            "failed": len(result.failed)}


# --- Legal hold -------------------------------------------------------------------------------


def hold_errors(reason: str | None) -> dict[str, str]:
    text = " ".join((reason or "").split())
    if not text:
        return {"reason": "Enter the reason, such as the inquiry or claim it is held for"}
    if len(text) > MAX_REASON:
        return {"reason": f"Reason must be {MAX_REASON} characters or fewer"}
    return {}


def set_legal_hold(case: Case, on: bool, reason: str | None, by: Any) -> dict[str, str]:
    """Put a case under legal hold or lift it, with a reason; logs `legal_hold_on/off`.

    Returns errors (nothing changed) or {}. Does not commit.
    """
    errors = hold_errors(reason)
    if case.destroyed_at is not None:
        errors = {"on": "This case has already been destroyed"}
    elif case.legal_hold == on:
        errors = {"on": "This case is already on legal hold" if on
                  else "This case is not on legal hold"}
    if errors:
        return errors
    case.legal_hold = on
    append("legal_hold_on" if on else "legal_hold_off", "case", case.code, user=by,
           partnership_id=case.partnership_id, detail="reason: " + " ".join(reason.split()))
    return {}


def last_destructions(partnership_ids: set[int] | None, limit: int = 50) -> list[DestructionRecord]:
    query = select(DestructionRecord).order_by(DestructionRecord.at.desc(),
                                               DestructionRecord.id.desc()).limit(limit)
    if partnership_ids is not None:
        query = query.where(DestructionRecord.partnership_id.in_(partnership_ids))
    return list(db.session.scalars(query))


def next_window(days: int = 90) -> datetime:
    return timeutil.utcnow() + timedelta(days=days)
