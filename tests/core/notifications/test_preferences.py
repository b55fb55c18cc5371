"""The notification settings page under the account: a person's own choice, saved or explained."""

from __future__ import annotations

from core.extensions import db
from core.notifications.models import NotificationPreference
from core.notifications.preferences import delivery_for


def test_at_once_is_the_choice_until_a_person_makes_one(world, login):
    page = login(world.tm_a).get("/account/notifications").text
    assert delivery_for(world.tm_a) == "immediate"
    assert 'value="immediate" checked' in page
    assert "Urgent notifications, such as safety alerts, are always emailed at once" in page


def test_choosing_the_daily_digest_is_saved_for_that_person_only(world, login):
    response = login(world.hos_a).post("/account/notifications", data={"delivery": "digest"},
                                       follow_redirects=True)
    assert "Your notification settings have been saved" in response.text
    assert 'value="digest" checked' in response.text
    db.session.expire_all()
    assert delivery_for(world.hos_a) == "digest"
    assert delivery_for(world.tm_a) == "immediate"


def test_no_choice_or_an_unknown_one_is_refused_naming_the_field(world, login):
    client = login(world.tm_a)
    for data in ({}, {"delivery": "carrier_pigeon"}):
        response = client.post("/account/notifications", data=data)
        assert response.status_code == 200
        assert "There is a problem" in response.text
        assert 'href="#delivery' in response.text
        assert "Select how you want to get notifications by email" in response.text
    assert db.session.get(NotificationPreference, world.tm_a.id) is None


def test_the_account_page_shows_the_choice_and_links_to_change_it(world, login):
    page = login(world.tm_a).get("/account").text
    assert "Email me each notification as it happens" in page
    assert 'href="/account/notifications"' in page
