"""`notify`: an inbox row each, email as each person prefers, and only once the caller commits."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.jobs.models import MailMessage
from core.notifications import NotificationError, notify
from core.notifications.models import Notification
from core.toolkit import notify as toolkit_notify


def rows() -> list[tuple]:
    notes = db.session.scalars(select(Notification).order_by(Notification.id))
    return [(n.recipient_id, n.event, n.email_status) for n in notes]


def test_plugins_reach_notify_through_the_toolkit():
    assert toolkit_notify is notify


def test_each_recipient_gets_an_inbox_row_and_an_email_at_once_by_default(world, outbox):
    notes = notify([world.tm_a, world.tm_b], "example.due", "Audit NB-00012 is due",
                   "Audit NB-00012 is due on Friday.", link="/example/12",
                   partnership_id=world.p1.id)
    db.session.commit()
    assert rows() == [(world.tm_a.id, "example.due", "queued"),
                      (world.tm_b.id, "example.due", "queued")]
    assert [n.partnership_id for n in notes] == [world.p1.id, world.p1.id]
    assert [m["to"] for m in outbox()] == ["tm.a@example.test", "tm.b@example.test"]
    assert outbox()[0]["subject"] == "Audit NB-00012 is due"


def test_a_digest_person_waits_for_the_morning_and_an_in_app_person_gets_no_email(
        world, outbox, choose):
    choose(world.tm_a, "digest")
    choose(world.tm_b, "in_app")
    notify([world.tm_a, world.tm_b, world.hos_a], "example.due", "Due", "Due soon.")
    db.session.commit()
    assert rows() == [(world.tm_a.id, "example.due", "awaiting_digest"),
                      (world.tm_b.id, "example.due", "none"),
                      (world.hos_a.id, "example.due", "queued")]
    assert [m["to"] for m in outbox()] == ["hos.a@example.test"]


@pytest.mark.parametrize("delivery", ["digest", "in_app"])
def test_urgent_notifications_are_emailed_at_once_whatever_the_choice(
        world, outbox, choose, delivery):
    choose(world.tm_a, delivery)
    notify([world.tm_a], "safety.alert", "Safety alert for NB-00007", "Respond within 24 hours.",
           urgent=True)
    db.session.commit()
    assert rows() == [(world.tm_a.id, "safety.alert", "queued")]
    [mail] = outbox()
    assert mail["subject"] == "Urgent: Safety alert for NB-00007"
    assert "URGENT" in mail["body"]


def test_a_rolled_back_transaction_leaves_no_notification_and_sends_nothing(world, outbox):
    notify([world.tm_a], "example.due", "Due", "Due soon.")
    db.session.rollback()
    db.session.commit()
    assert rows() == []
    assert outbox() == []
    assert db.session.scalar(select(func.count(MailMessage.id))) == 0


def test_nothing_is_sent_before_the_caller_commits(world, outbox):
    notify([world.tm_a], "example.due", "Due", "Due soon.")
    db.session.flush()
    assert outbox() == []
    db.session.commit()
    assert len(outbox()) == 1


def test_a_person_listed_twice_is_told_once_and_inactive_people_not_at_all(world, outbox):
    world.tm_b.active = False
    notify([world.tm_a, world.tm_a, world.tm_b], "example.due", "Due", "Due soon.")
    db.session.commit()
    assert rows() == [(world.tm_a.id, "example.due", "queued")]
    assert len(outbox()) == 1


@pytest.mark.parametrize("link", ["https://evil.example/x", "//evil.example/x",
                                  "/\\evil.example", "example/1", "/a b", "/" + "x" * 500])
def test_a_link_must_be_a_path_inside_the_service(world, link):
    with pytest.raises(NotificationError, match="link must be a path inside the service"):
        notify([world.tm_a], "example.due", "Due", "Due soon.", link=link)


@pytest.mark.parametrize(("event", "subject", "field"), [
    ("", "Due", "event"), ("example.due", "", "subject"), ("example.due", "x" * 201, "subject"),
    ("example.due", "Due\nBcc: someone@example.test", "subject")])
def test_a_bad_event_or_subject_is_refused_naming_the_field(world, event, subject, field):
    with pytest.raises(NotificationError, match=f"^{field} "):
        notify([world.tm_a], event, subject, "Body")
