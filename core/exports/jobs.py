"""The export jobs: build one export, and shred the ones past their expiry."""

from __future__ import annotations

from core.contributions import JobType, ScheduledJob


def build_export_job(export_id: str) -> dict:
    from core.exports.service import build

    return build(export_id)


def purge_exports_job() -> dict:
    from core.exports.service import purge_expired

    return purge_expired()


JOB_TYPES = [
    JobType("core.build_export", build_export_job, "Build an export", timeout=900),
    JobType("core.purge_exports", purge_exports_job, "Delete export files past their expiry"),
]

SCHEDULES = [
    ScheduledJob("core.purge_exports", "core.purge_exports", "*/30 * * * *",
                 description="Delete export files past their expiry"),
]
