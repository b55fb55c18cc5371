"""The inbox: a person's own notifications only, newest first, read on opening, paged."""

from __future__ import annotations

import re
from datetime import timedelta

from core.extensions import db
from core.notifications import notify
from core.notifications.inbox import PER_PAGE
from core.notifications.models import Notification


def tell(user, subject: str, **kwargs) -> Notification:
    [note] = notify([user], "example.event", subject, f"{subject}, in more words.", **kwargs)
    db.session.commit()
    return note


def test_a_person_sees_only_their_own_notifications(world, login):
    tell(world.tm_a, "For A about NB-00001")
    tell(world.tm_b, "For B about NB-00002")
    page = login(world.tm_a).get("/inbox").text
    assert "For A about NB-00001" in page
    assert "For B about NB-00002" not in page


def test_another_persons_notification_is_not_found_and_stays_unread(world, login):
    theirs = tell(world.tm_b, "For B about NB-00002")
    client = login(world.tm_a)
    for response in (client.get(f"/inbox/{theirs.id}"),
                     client.post(f"/inbox/{theirs.id}/open")):
        assert response.status_code == 404
        assert "NB-00002" not in response.text
    db.session.expire_all()
    assert db.session.get(Notification, theirs.id).read_at is None


def test_the_inbox_lists_newest_first_and_marks_what_is_unread(world, login, clock):
    tell(world.tm_a, "Older notification")
    clock.now += timedelta(minutes=5)
    tell(world.tm_a, "Newer notification")
    page = login(world.tm_a).get("/inbox").text
    assert page.index("Newer notification") < page.index("Older notification")
    assert page.count("govuk-tag--blue\">Unread") == 2
    assert "You have 2 unread notifications" in page


def test_opening_a_notification_marks_it_read_and_offers_its_link(world, login, clock):
    note = tell(world.tm_a, "Audit NB-00012 is due", link="/example/12")
    client = login(world.tm_a)
    assert f'action="/inbox/{note.id}/open"' in client.get("/inbox").text
    response = client.post(f"/inbox/{note.id}/open")
    assert response.headers["Location"] == f"/inbox/{note.id}"
    page = client.get(response.headers["Location"]).text
    assert "Audit NB-00012 is due, in more words." in page
    assert 'href="/example/12"' in page
    db.session.expire_all()
    assert db.session.get(Notification, note.id).read_at == clock.now
    inbox = client.get("/inbox").text
    assert "You have no unread notifications" in inbox
    assert f'href="/inbox/{note.id}"' in inbox  # read ones are plain links


def test_looking_at_a_notification_does_not_mark_it_read(world, login):
    note = tell(world.tm_a, "Audit NB-00012 is due")
    page = login(world.tm_a).get(f"/inbox/{note.id}").text
    assert "Mark as read" in page
    db.session.expire_all()
    assert db.session.get(Notification, note.id).read_at is None


def test_mark_all_as_read_marks_only_ones_own(world, login):
    tell(world.tm_a, "First")
    tell(world.tm_a, "Second")
    theirs = tell(world.tm_b, "Someone else's")
    client = login(world.tm_a)
    response = client.post("/inbox/read-all", follow_redirects=True)
    assert "2 notifications marked as read" in response.text
    assert "You have no unread notifications" in response.text
    db.session.expire_all()
    assert db.session.get(Notification, theirs.id).read_at is None


def test_the_header_shows_the_unread_count(world, login):
    client = login(world.tm_a)
    assert re.search(r'href="/inbox">\s*Inbox\s*</a>', client.get("/").text)
    tell(world.tm_a, "First")
    note = tell(world.tm_a, "Second")
    assert "Inbox (2 unread)" in client.get("/").text
    client.post(f"/inbox/{note.id}/open")
    assert "Inbox (1 unread)" in client.get("/").text


def test_the_inbox_is_paged(world, login, clock):
    for n in range(PER_PAGE + 1):
        clock.now += timedelta(minutes=1)
        notify([world.tm_a], "example.event", f"Notification number {n:02d}", "Body")
    db.session.commit()
    client = login(world.tm_a)
    first = client.get("/inbox").text
    assert f"Notification number {PER_PAGE:02d}" in first
    assert "Notification number 00" not in first
    assert "Page 1 of 2" in first and 'href="/inbox?page=2"' in first
    second = client.get("/inbox?page=2").text
    assert "Notification number 00" in second
    assert f"Notification number {PER_PAGE:02d}" not in second


def test_the_inbox_needs_sign_in(client):
    assert client.get("/inbox").status_code == 302
    assert client.post("/inbox/read-all").status_code == 302
