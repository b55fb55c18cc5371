"""The weekday-morning digest: one email per person per day, listing what waited for it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from core.extensions import db
from core.jobs.scheduler import latest_slot
from core.notifications import notify
from core.notifications.digest import send_digests
from core.notifications.models import Notification, NotificationDigest


def statuses(user) -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(Notification.email_status)
                                   .where(Notification.recipient_id == user.id)
                                   .order_by(Notification.id)))


def test_the_digest_lists_the_waiting_notifications_in_one_email(world, outbox, choose, clock):
    choose(world.hos_a, "digest")
    notify([world.hos_a], "example.due", "Audit NB-00001 is due", "Due on Friday.",
           link="/example/1")
    notify([world.hos_a], "example.late", "Audit NB-00002 is overdue", "It was due Monday.")
    db.session.commit()
    assert outbox() == []
    clock.at(2026, 3, 3, 7, 0)  # Tuesday morning
    assert send_digests() == {"sent": 1}
    [mail] = outbox()
    assert mail["to"] == "hos.a@example.test"
    assert mail["subject"].startswith("2 new notifications: ")
    for text in ("Audit NB-00001 is due", "Audit NB-00002 is overdue",
                 "http://127.0.0.1:5000/example/1"):
        assert text in mail["body"] and text in mail["html"]
    assert statuses(world.hos_a) == ["in_digest", "in_digest"]


def test_the_digest_is_sent_once_per_person_per_day(world, outbox, choose, clock):
    choose(world.hos_a, "digest")
    notify([world.hos_a], "example.due", "First", "First.")
    db.session.commit()
    clock.at(2026, 3, 3, 7, 0)
    assert send_digests() == {"sent": 1}
    clock.at(2026, 3, 3, 11, 0)  # a second run later the same day, with something new
    notify([world.hos_a], "example.due", "Second", "Second.")
    db.session.commit()
    assert send_digests() == {"sent": 0}
    assert len(outbox()) == 1
    assert statuses(world.hos_a) == ["in_digest", "awaiting_digest"]
    clock.at(2026, 3, 4, 7, 0)  # the next morning it goes
    assert send_digests() == {"sent": 1}
    assert "Second" in outbox()[1]["body"] and "First" not in outbox()[1]["body"]
    days = db.session.scalars(select(NotificationDigest.day).order_by(NotificationDigest.id))
    assert [d.isoformat() for d in days] == ["2026-03-03", "2026-03-04"]


def test_nothing_waiting_means_no_email(world, outbox, choose, clock):
    choose(world.hos_a, "digest")
    assert send_digests() == {"sent": 0}
    assert outbox() == []


def test_what_was_read_in_the_inbox_is_not_emailed_again(world, outbox, choose, clock):
    choose(world.hos_a, "digest")
    [read, _unread] = [*notify([world.hos_a], "example.due", "Read already", "Read."),
                      *notify([world.hos_a], "example.due", "Still unread", "Unread.")]
    read.read_at = clock.now
    db.session.commit()
    clock.now += timedelta(hours=1)
    send_digests()
    [mail] = outbox()
    assert "Still unread" in mail["body"] and "Read already" not in mail["body"]
    assert statuses(world.hos_a) == ["none", "in_digest"]


def test_a_person_who_switched_to_the_inbox_only_gets_no_digest(world, outbox, choose, clock):
    choose(world.hos_a, "digest")
    notify([world.hos_a], "example.due", "Waiting", "Waiting.")
    db.session.commit()
    choose(world.hos_a, "in_app")
    assert send_digests() == {"sent": 0}
    assert outbox() == []
    assert statuses(world.hos_a) == ["none"]


def test_urgent_ones_went_at_once_and_are_not_repeated_in_the_digest(world, outbox, choose,
                                                                      clock):
    choose(world.hos_a, "digest")
    notify([world.hos_a], "safety.alert", "Safety alert for NB-00009", "Respond today.",
           urgent=True)
    notify([world.hos_a], "example.due", "Routine", "Routine.")
    db.session.commit()
    assert [m["subject"] for m in outbox()] == ["Urgent: Safety alert for NB-00009"]
    send_digests()
    assert "Safety alert" not in outbox()[1]["body"]


def test_the_digest_runs_on_weekday_mornings_london_time(app):
    schedules = {s.name: s for _, s in app.extensions["schedules"]}
    digest = schedules["core.notification_digest"]
    assert digest.job == "core.notification_digest"
    # Monday 30 March 2026 is in British Summer Time: 7am in London is 6am UTC
    assert latest_slot(digest.cron, datetime(2026, 3, 30, 9, 0, tzinfo=UTC)) == datetime(
        2026, 3, 30, 6, 0, tzinfo=UTC)
    # on Sunday the latest slot is still Friday's
    assert latest_slot(digest.cron, datetime(2026, 3, 29, 9, 0, tzinfo=UTC)) == datetime(
        2026, 3, 27, 7, 0, tzinfo=UTC)


def test_the_digest_runs_as_a_core_job(world, outbox, choose, clock):
    from core.jobs import enqueue
    from core.jobs.models import JobRecord

    choose(world.hos_a, "digest")
    notify([world.hos_a], "example.due", "Waiting", "Waiting.")
    db.session.commit()
    record = enqueue("core.notification_digest")
    db.session.commit()
    db.session.expire_all()
    job = db.session.get(JobRecord, record.id)
    assert job.status == "finished", job.error_type
    assert [m["to"] for m in outbox()] == ["hos.a@example.test"]
