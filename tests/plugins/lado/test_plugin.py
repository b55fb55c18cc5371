"""The plugin as a whole: it registers its pieces, its menu only for people involved, and
disabling it removes every route. Every route, aimed at another partnership's objects, answers
404 or 403 and never a server error."""

from __future__ import annotations

from datetime import date

import pytest

from core.extensions import db
from plugins.lado import audits, jobs
from tests.plugins.lado.conftest import leaks, record
from tests.support.factories import login_as

PATHS = ("/lado/", "/lado/referrals/new", "/lado/referrals/import", "/lado/audits/",
         "/lado/audits/annual/new", "/lado/reports/", "/lado/settings/")


@pytest.mark.plugins("lado")
def test_the_plugin_declares_its_permissions_tool_job_and_schedule(app):
    assert app.extensions["permissions"].owner["lado.view"] == "lado"
    assert "lado.long_running" in app.extensions["job_types"]
    assert [s.name for k, s in app.extensions["schedules"] if k == "lado"] == [
        "lado.weekly_long_running"]
    assert audits.get_tool("lado.referral_audit").version == 1


@pytest.mark.plugins("lado")
def test_the_menu_and_card_show_only_for_people_involved(login, world, people, referral):
    home = login(people.lado).get("/").text
    assert 'href="/lado/"' in home and "LADO referrals" in home
    assert 'href="/lado/' not in login(world.tm_a).get("/").text


@pytest.mark.plugins()
def test_disabling_the_plugin_removes_every_route(app, login, world):
    client = login(world.coordinator)
    for path in PATHS:
        assert client.get(path).status_code == 404, path
    assert "lado.view" not in app.extensions["permissions"].permissions


@pytest.fixture
def p2_objects(world, people):
    """A referral, an audit and a report of partnership P2, with canary adult details."""
    from plugins.lado import referrals

    theirs = referrals.register(world.p2, {"referral_date": "02/03/2026", "sector": "sport",
                                           "category": "harm", "adult_role": "ZZCANARY-ROLE",
                                           "employer": "ZZCANARY-EMPLOYER"}, people.lado_c,
                                date(2026, 6, 30))
    db.session.commit()
    return theirs


@pytest.mark.plugins("lado")
@pytest.mark.parametrize("who", ["lado", "manager", "qa"])
def test_every_route_aimed_at_another_partnership_is_refused(app, world, people, p2_objects,
                                                             who):
    client = app.test_client()
    login_as(client, getattr(people, who))
    values = {"reference": p2_objects.reference, "partnership_id": world.p2.id,
              "kind": "quarterly", "fmt": "csv"}
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("lado."):
            continue
        url = rule.build(values, append_unknown=False)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method, data={})
            assert response.status_code < 500, (method, url)
            assert leaks(response.text) == [], (method, url)
            if rule.arguments:
                assert response.status_code in (400, 403, 404), (method, url)


@pytest.mark.plugins("lado")
def test_the_weekly_job_tells_the_lado_service_of_long_running_referrals(world, people,
                                                                         frozen):
    from core.notifications.models import Notification

    old = record(world, people.lado, referral_date="03/11/2025")  # 164 working days
    record(world, people.lado, referral_date="01/06/2026")
    assert jobs.long_running() == {"told": 1}
    note = db.session.scalar(db.select(Notification).where(
        Notification.event == "lado.long_running"))
    assert note.recipient_id == people.lado.id and old.reference in note.body
