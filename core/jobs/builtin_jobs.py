"""Core's own job types and schedules (declared through core's built-in plugin)."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, or_, select

from core.contributions import JobType, ScheduledJob
from core.extensions import db
from core.jobs.models import JobRecord, MailMessage, ScheduleRun
from core.jobs.relay import RELAY_JOB, relay
from core.timeutil import utcnow

KEEP_JOB_RECORDS = timedelta(days=30)  # job pages and schedule history; JOB_RECORD_DAYS overrides


def send_mail_job(message_id: int) -> dict:
    from core.mail import deliver

    return {"status": deliver(message_id)}


def relay_job() -> dict:
    return {"relayed": relay()}


def purge_sessions() -> dict:
    """Delete sign-in sessions that ended (revoked, or unused) more than ABSOLUTE_TIMEOUT ago."""
    from core.identity.models import UserSession

    cutoff = utcnow() - current_app.config["ABSOLUTE_TIMEOUT"]
    gone = db.session.execute(
        delete(UserSession).where(
            or_(UserSession.revoked_at < cutoff, UserSession.last_seen_at < cutoff))
    )
    return {"deleted": gone.rowcount}


def purge_jobs() -> dict:
    """Delete old job records, schedule runs (keeping each schedule's latest) and mail rows
    (a message still pending after that long will not be sent: its sealed text goes too)."""
    days = current_app.config.get("JOB_RECORD_DAYS")
    cutoff = utcnow() - (timedelta(days=days) if days else KEEP_JOB_RECORDS)
    jobs = db.session.execute(delete(JobRecord).where(
        JobRecord.status.in_(("finished", "failed")), JobRecord.finished_at < cutoff))
    latest = select(func.max(ScheduleRun.id)).group_by(ScheduleRun.schedule)
    runs = db.session.execute(delete(ScheduleRun).where(
        ScheduleRun.created_at < cutoff, ScheduleRun.id.not_in(latest)))
    mail = db.session.execute(delete(MailMessage).where(MailMessage.created_at < cutoff))
    return {"jobs": jobs.rowcount, "schedule_runs": runs.rowcount, "mail": mail.rowcount}


def case_import_job(import_id: str) -> None:
    from core.cases.import_runs import import_job

    import_job(import_id)


def retention_job() -> dict:
    from core.cases.retention import retention_job as run

    return run()


def case_imports_purge_job() -> dict:
    from core.cases.import_runs import purge_job

    return purge_job()


def notification_digest_job() -> dict:
    from core.notifications.digest import send_digests

    return send_digests()


def actions_overdue_job() -> dict:
    from core.actions.overdue import overdue_job

    return overdue_job()


def accesslog_verify_job() -> dict:
    """Check the access log's hash chain; alert information governance if it is broken."""
    from core.accesslog.nightly import verify_and_alert

    return verify_and_alert()


JOB_TYPES = [
    JobType("core.send_mail", send_mail_job, "Send an email", timeout=120),
    JobType(RELAY_JOB, relay_job, "Send on jobs that were not dispatched", timeout=120),
    JobType("core.purge_sessions", purge_sessions, "Delete ended sign-in sessions"),
    JobType("core.purge_jobs", purge_jobs, "Delete old job records and sent mail"),
    JobType("core.case_import", case_import_job, "Import cases from a file"),
    JobType("core.retention", retention_job, "Destroy cases whose retention period has passed",
            timeout=3600),
    JobType("core.case_imports_purge", case_imports_purge_job,
            "Delete checked case files not imported within an hour"),
    JobType("core.notification_digest", notification_digest_job,
            "Email each person who chose it a summary of their notifications", timeout=1800),
    JobType("core.actions_overdue", actions_overdue_job,
            "Tell owners of overdue actions and escalate up the management line", timeout=1800),
    JobType("core.accesslog_verify", accesslog_verify_job,
            "Verify the access log's hash chain and alert if it is broken", timeout=3600),
]

SCHEDULES = [
    ScheduledJob("core.relay", RELAY_JOB, "* * * * *", description="Outbox relay"),
    ScheduledJob("core.purge_sessions", "core.purge_sessions", "0 3 * * *",
                 description="Nightly session purge"),
    ScheduledJob("core.purge_jobs", "core.purge_jobs", "15 3 * * *",
                 description="Nightly job record purge"),
    ScheduledJob("core.retention", "core.retention", "30 2 * * *",
                 description="Nightly retention run: destroy what is due"),
    ScheduledJob("core.case_imports_purge", "core.case_imports_purge", "*/15 * * * *",
                 description="Delete held case import files older than an hour"),
    ScheduledJob("core.notification_digest", "core.notification_digest", "0 7 * * 1-5",
                 description="Weekday 7am: notification digests (one per person per day)"),
    ScheduledJob("core.actions_overdue", "core.actions_overdue", "30 6 * * *",
                 description="Each morning: chase overdue actions (skips non-working days)"),
    ScheduledJob("core.accesslog_verify", "core.accesslog_verify", "45 1 * * *",
                 description="Nightly access log integrity check (alerts on a broken chain)"),
]
