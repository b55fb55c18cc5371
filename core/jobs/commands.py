"""`flask worker`, `flask scheduler` and `flask jobs ...`."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from redis import RedisError
from sqlalchemy import select

from core.extensions import db
from core.jobs import queue
from core.jobs.models import STATUSES, JobRecord
from core.jobs.relay import relay
from core.timeutil import format_london

jobs_cli = AppGroup("jobs", help="Inspect background jobs and relay the outbox.")


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@click.option("--with-scheduler/--without-scheduler", default=True,
              help="Also move delayed retries back onto the queue (default: on).")
@click.option("--name", default=None, help="Worker name (default: random).")
def worker_command(burst: bool, with_scheduler: bool, name: str | None) -> None:
    """Run jobs from the RQ queue (needs REDIS_URL), each inside the app."""
    from core.jobs.worker import run_worker

    if not queue.redis_mode():
        raise click.ClickException("REDIS_URL is not set: jobs run in the web process; "
                                   "no worker is needed.")
    run_worker(current_app._get_current_object(), burst=burst, with_scheduler=with_scheduler,
               name=name)


@click.command("scheduler")
@click.option("--once", is_flag=True, help="Enqueue what is due now, then stop.")
@click.option("--interval", default=30, show_default=True, help="Seconds between ticks.")
def scheduler_command(once: bool, interval: int) -> None:
    """Enqueue periodic jobs when they fall due (any number may run: each slot runs once)."""
    from core.jobs import scheduler

    if once:
        started = scheduler.tick()
        click.echo(f"Enqueued {len(started)} scheduled job(s).")
        return
    click.echo(f"Scheduler ticking every {interval} s (Ctrl+C to stop).")
    scheduler.run_forever(interval)


@jobs_cli.command("relay")
def relay_command() -> None:
    """Dispatch jobs committed over a minute ago that never reached the queue."""
    try:
        sent = relay()
    except RedisError as exc:
        raise click.ClickException(f"Redis unavailable ({type(exc).__name__}).") from None
    click.echo(f"Relayed {sent} job(s).")


@jobs_cli.command("list")
@click.option("--status", type=click.Choice(STATUSES), help="Only jobs in this state.")
@click.option("--limit", default=20, show_default=True)
def list_command(status: str | None, limit: int) -> None:
    """The most recent jobs: id, name, status, progress and when each was created."""
    query = select(JobRecord).order_by(JobRecord.created_at.desc()).limit(limit)
    if status:
        query = query.where(JobRecord.status == status)
    for job in db.session.scalars(query):
        error = f"  {job.error_type}" if job.error_type else ""
        click.echo(f"{job.id}  {job.name}  {job.status}  {job.progress}%  "
                   f"{format_london(job.created_at)}{error}")


def init_app(app: Flask) -> None:
    app.cli.add_command(worker_command)
    app.cli.add_command(scheduler_command)
    app.cli.add_command(jobs_cli)
