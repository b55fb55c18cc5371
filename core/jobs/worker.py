"""The RQ worker behind `flask worker`.

RQ forks a work horse per job. The worker builds the Flask app once, before forking, so each
horse inherits it and only pushes an app context around the job: no app is rebuilt per job.
A forked horse must not share the parent's database sockets, so it drops the inherited pool
(`dispose(close=False)` leaves the parent's connections open for the parent) and opens its own.

The worker starts RQ's scheduler too: it puts delayed retries (10 s, 1 min, 5 min) back on
the queue. Periodic jobs are the job of `flask scheduler`, not of RQ.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask
from rq import Worker
from rq.serializers import JSONSerializer

from core.extensions import db
from core.jobs import queue

logger = logging.getLogger("partnership_audit.jobs")


class AppWorker(Worker):
    """An RQ worker whose jobs run inside the Flask app it was started from."""

    app: Flask

    def main_work_horse(self, job: Any, queue: Any) -> None:
        with self.app.app_context():
            db.engine.dispose(close=False)
        super().main_work_horse(job, queue)

    def perform_job(self, job: Any, queue: Any, execution: Any) -> bool:
        with self.app.app_context():
            return super().perform_job(job, queue, execution)


def _horse_killed(app: Flask):
    """Mark the record failed when the horse dies without reporting (OOM killer, kill -9)."""

    def handler(job: Any, retpid: int, ret_val: int, rusage: Any) -> None:
        from core.jobs.runner import mark_horse_killed

        with app.app_context():
            mark_horse_killed(job.id)

    return handler


def make_worker(app: Flask, name: str | None = None) -> AppWorker:
    with app.app_context():
        conn = queue.connection(socket_timeout=None)
        worker = AppWorker(
            [app.config["RQ_QUEUE"]],
            name=name,
            connection=conn,
            serializer=JSONSerializer,
            work_horse_killed_handler=_horse_killed(app),
        )
    worker.app = app
    return worker


def run_worker(app: Flask, burst: bool = False, with_scheduler: bool = True,
               name: str | None = None) -> bool:
    """Work the app's queue; in burst mode, until it is empty. True if any job ran."""
    worker = make_worker(app, name)
    logger.info("worker %s on queue %s", worker.name, app.config["RQ_QUEUE"])
    return worker.work(burst=burst, with_scheduler=with_scheduler, logging_level="INFO")
