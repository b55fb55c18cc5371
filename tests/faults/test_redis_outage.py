"""Redis down while people submit through the web pages and the API: every submission is
saved, its jobs wait in the outbox, the relay sends them once Redis is back, and a real
`flask worker` runs each exactly once. Nothing lost, nothing run (or emailed) twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from rq import Queue
from sqlalchemy import func, select

from core.extensions import db
from core.jobs.models import JobRecord, MailMessage
from core.jobs.relay import relay
from core.notifications.models import Notification
from core.timeutil import utcnow
from plugins.multi_agency.returns import return_of
from tests.faults.conftest import NOWHERE, run_worker, set_redis
from tests.plugins.multi_agency.conftest import bearer, body, start

pytestmark = pytest.mark.redis
LATER = timedelta(minutes=2)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _jobs() -> list[JobRecord]:
    db.session.expire_all()
    return list(db.session.scalars(select(JobRecord)))


def _submit_over_the_api(client, audit, selected, token, key: str) -> dict:
    path = f"/api/v1/multi-agency/audits/{audit.reference}/cases/{selected.code}/return"
    answer = client.post(path, json=body("police", submit=True),
                         headers=bearer(token, key=key))
    assert answer.status_code == 201, answer.text
    return answer.get_json()


def test_with_redis_down_submissions_are_saved_and_each_job_runs_once_when_it_returns(
        app, rq_env, ma, audit, tokens, login):
    set_redis(app, NOWHERE)
    start(audit, ma)  # opening the audit tells each lead auditor (an email job each)
    first, second = audit.cases[1], audit.cases[2]

    # The API: two returns submitted, the first retried by the client (same Idempotency-Key).
    api = app.test_client()
    sent = _submit_over_the_api(api, audit, first, tokens.lead_b, "outage-1")
    assert _submit_over_the_api(api, audit, first, tokens.lead_b, "outage-1") == sent
    _submit_over_the_api(api, audit, second, tokens.lead_b, "outage-2")

    # The web pages: the auditor asks to reopen one, and the coordinator reopens it.
    base = f"/multi-agency/{audit.id}/cases/{first.code}/returns/{ma.b.id}"
    asked = login(ma.lead_b).post(base + "/reopen-request",
                                  data={"reopen_reason": "A later strategy meeting was found."})
    assert asked.status_code == 303
    assert login(ma.coordinator).post(base + "/reopen").status_code == 303

    # Every submission was saved; every job waits in the outbox; Redis holds none of them.
    db.session.expire_all()
    assert return_of(second, ma.b.id).status == "submitted"
    assert return_of(first, ma.b.id).status == "draft"  # reopened, as the coordinator asked
    notes = _count(Notification)
    assert notes == 5  # three leads told of the opening, the coordinator, then the auditor
    waiting = _jobs()
    assert len(waiting) == notes == _count(MailMessage)
    assert {(j.status, j.dispatched_at) for j in waiting} == {("queued", None)}
    assert Queue(rq_env.queue, connection=rq_env.conn).count == 0

    # Redis is back: the relay sends each waiting job once; a real worker runs them.
    set_redis(app, rq_env.url)
    assert relay(utcnow() + LATER) == len(waiting)
    assert relay(utcnow() + LATER) == 0
    run_worker(app, rq_env)
    done = _jobs()
    assert {(j.name, j.status, j.attempts) for j in done} == {("core.send_mail", "finished", 1)}
    assert len(done) == len(waiting)
    statuses = db.session.scalars(select(MailMessage.status)).all()
    assert len(statuses) == notes and "pending" not in statuses and "sending" not in statuses

    # Running the relay and the worker again changes nothing: nothing is run twice.
    assert relay(utcnow() + LATER) == 0
    run_worker(app, rq_env)
    assert sorted((j.id, j.attempts) for j in _jobs()) == sorted((j.id, j.attempts) for j in done)
    assert (_count(Notification), _count(MailMessage)) == (notes, notes)
