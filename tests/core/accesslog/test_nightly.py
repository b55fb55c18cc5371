"""The nightly job verifies the chain and, when it is broken, logs the entry id and alerts."""

from __future__ import annotations

import logging

import pytest
from flask import current_app
from sqlalchemy import select, text

from core.accesslog.chain import append
from core.accesslog.nightly import EVENT
from core.extensions import db
from core.jobs import JobRecord, enqueue
from core.jobs.builtin_jobs import accesslog_verify_job
from core.notifications import Notification
from core.notifications.models import EMAIL_QUEUED
from tests.core.accesslog.test_chain import as_superuser
from tests.support.factories import make_user


@pytest.fixture
def officers(world):
    """An IG officer for each partnership, plus the world's platform administrator."""
    people = {"ig1": make_user("ig_officer", world.p1, email="ig1@example.test"),
              "ig2": make_user("ig_officer", world.p2, email="ig2@example.test"),
              "admin": world.admin}
    for i in range(5):
        append("identity_revealed", "case", f"NB-CODE{i}-X", user=world.coordinator,
               partnership_id=world.p1.id, detail="reason: secret detail")
    db.session.commit()
    return people




def alerts() -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.event == EVENT)
                                   .order_by(Notification.recipient_id)))


def test_a_clean_chain_is_ok_and_alerts_nobody(officers):
    result = accesslog_verify_job()
    db.session.commit()
    assert result == {"ok": True, "checked": 5, "broken_at": None}
    assert alerts() == []


def test_a_tampered_row_is_named_logged_and_alerted_urgently(officers, world, caplog):
    with as_superuser():
        db.session.execute(text("UPDATE access_log SET object_code = 'NB-OTHER-X' WHERE id = 3"))
    with caplog.at_level(logging.INFO, logger="partnership_audit.accesslog"):
        result = accesslog_verify_job()
    db.session.commit()
    assert (result["ok"], result["broken_at"], result["alerted"]) == (False, 3, 3)
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1 and "entry 3" in errors[0].getMessage()
    assert "NB-OTHER-X" not in caplog.text and "secret detail" not in caplog.text
    notes = alerts()
    assert {n.recipient_id for n in notes} == {u.id for u in officers.values()}
    assert all(n.urgent and n.email_status == EMAIL_QUEUED and "3" in n.subject for n in notes)
    by_person = {n.recipient_id: n.partnership_id for n in notes}
    assert by_person[officers["ig1"].id] == world.p1.id
    assert by_person[officers["ig2"].id] == world.p2.id
    assert by_person[world.admin.id] is None
    assert all("NB-OTHER-X" not in n.body and "secret" not in n.body for n in notes)


def test_people_in_other_roles_are_not_alerted(officers, world):
    with as_superuser():
        db.session.execute(text("DELETE FROM access_log WHERE id = 2"))
    result = accesslog_verify_job()
    db.session.commit()
    assert result["broken_at"] == 2
    told = {n.recipient_id for n in alerts()}
    assert world.coordinator.id not in told and world.tm_a.id not in told


def test_the_job_is_scheduled_nightly_and_records_its_verdict(officers):
    schedules = {s.name: s for _, s in current_app.extensions["schedules"]}
    assert schedules["core.accesslog_verify"].job == "core.accesslog_verify"
    minute, hour, *every = schedules["core.accesslog_verify"].cron.split()
    assert minute.isdigit() and hour.isdigit() and every == ["*", "*", "*"]
    with as_superuser():
        db.session.execute(text("UPDATE access_log SET detail = 'x' WHERE id = 4"))
    job = enqueue("core.accesslog_verify")
    db.session.commit()  # runs in-process once this commits
    db.session.expire_all()
    record = db.session.get(JobRecord, job.id)
    assert record.status == "finished"
    assert '"broken_at": 4' in record.result and '"ok": false' in record.result
    assert len(alerts()) == 3
