"""The plugin in the platform: its panel inside other activities' case pages, calls shared by
audit plugins, navigation and dashboard, retention, and switching it off."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from core.extensions import db
from core.plugins import installed_plugins
from core.toolkit import case_panels, share_family_feedback
from plugins.feedback.models import FeedbackResponse
from plugins.feedback.plugin import qa_on_case_destroyed
from tests.conftest import EXAMPLE
from tests.plugins.feedback.conftest import code_case, public_url
from tests.support import factories as f

EVERY = sorted(installed_plugins(EXAMPLE))
WITHOUT = [p for p in EVERY if p != "feedback"]


def test_feedback_shows_in_another_activitys_page_of_the_same_case(app, client, make_link,
                                                                    world, cases):
    _, token = make_link("child_8_to_12", "social_worker")
    client.post(public_url(token), data={"q_W1": "Happy", "q_T1": "My worker listens to me"})
    [panel] = [p for p in case_panels(cases.a, asking="single_agency", user=world.tm_a)
               if p.key == "feedback.case"]
    assert panel.title == "Child and family feedback"
    assert panel.summary == "1 piece of feedback; average rating 10.0 out of 10."
    [item] = panel.items
    assert "Online form (Child aged 8 to 12, about my social worker)" in item.text
    assert item.hint == "My worker listens to me"
    assert item.url.startswith("/feedback/responses/")
    assert [a.text for a in panel.actions] == [
        "All feedback for this case", "Record a telephone call", "Create a feedback link"]
    assert not [p for p in case_panels(cases.a, asking="single_agency", user=world.tm_b)
                if p.key == "feedback.case"]
    assert not [p for p in case_panels(cases.a, asking="feedback", user=world.tm_a)
                if p.key == "feedback.case"]


def test_a_call_shared_by_an_audit_plugin_is_kept_once_and_updated(app, world, cases):
    for outcome in ("no_contact", "spoke"):
        share_family_feedback(cases.a, activity="single_agency", reference="SA-00007/1",
                              with_whom="parent_carer", outcome=outcome,
                              contacted_on=date(2026, 3, 2), summary="Dad <i>happy</i>",
                              recorded_by=world.tm_a)
        db.session.commit()
    [call] = db.session.scalars(select(FeedbackResponse)).all()
    assert (call.channel, call.outcome, call.activity, call.reference, call.agency_id) == (
        "audit_call", "spoke", "single_agency", "SA-00007/1", world.a.id)
    assert call.summary == "Dad <i>happy</i>"


def test_sharing_a_call_works_with_the_feedback_plugin_switched_off(make_app):
    app = make_app(ENABLED_PLUGINS=WITHOUT)
    with app.app_context():
        p = f.make_partnership("Northbrook", "NB")
        agency = f.make_agency(p)
        team = f.make_team(agency)
        case = code_case(p, agency, team, 5)
        share_family_feedback(case, activity="single_agency", reference="SA-1/1",
                              with_whom="child", outcome="declined",
                              contacted_on=date(2026, 3, 2))
        db.session.commit()
        assert db.session.scalar(select(FeedbackResponse.id)) is None
        panels = case_panels(case, asking="single_agency", user=f.make_user("platform_admin"))
        assert not [p for p in panels if p.key.startswith("feedback.")]


def test_the_navigation_and_dashboard_offer_feedback_and_open_alerts(app, client, make_link,
                                                                     world, login, frozen):
    _, token = make_link()
    client.post(public_url(token), data={"talk": "1"})
    home = login(world.tm_a).get("/")
    assert 'href="/feedback/"' in home.text
    assert "Safeguarding alerts from feedback" in home.text and "Open the duty inbox" in home.text
    other = login(world.tm_c).get("/").text
    assert "Safeguarding alerts from feedback" in other  # the card, with nothing waiting
    assert login(world.practitioner_a).get("/").text.count('href="/feedback/') == 0


def test_retention_removes_the_words_and_keeps_the_counts(app, client, make_link, cases, frozen):
    _, token = make_link("child_13_plus", "any_time")
    open_link, _ = make_link("child_13_plus", "any_time")
    client.post(public_url(token), data={"q_W1": "Good", "q_T1": "ZZCANARY words"})
    qa_on_case_destroyed(cases.a)
    db.session.commit()
    db.session.expire_all()
    response = db.session.scalars(select(FeedbackResponse)).one()
    assert response.answers == {} and response.rating == 7.5
    assert response.text_destroyed_at is not None
    assert db.session.get(type(open_link), open_link.id).withdrawn_at is not None


@pytest.mark.parametrize("who", ["admin", "tm_a"])
def test_switching_the_plugin_off_removes_every_page_and_nothing_else_breaks(make_app, who):
    with_it = make_app(ENABLED_PLUGINS=EVERY)
    without = make_app(ENABLED_PLUGINS=WITHOUT)
    urls = sorted({r.rule for r in with_it.url_map.iter_rules()
                   if r.endpoint.startswith("feedback.")})
    assert "/feedback/v/<token>" in urls
    with without.app_context():
        p = f.make_partnership("Northbrook", "NB")
        team = f.make_team(f.make_agency(p))
        user = f.make_user("platform_admin") if who == "admin" else \
            f.make_user("team_manager", team)
        client = without.test_client()
        f.login_as(client, user)
        for rule in urls:
            url = rule.replace("<token>", "A" * 43).replace("<int:agency_id>", "1")
            for part in ("<code>", "<link_id>", "<response_id>", "<alert_id>",
                         "<path:mangled>"):
                url = url.replace(part, "x")
            assert client.get(url).status_code == 404, url
            assert client.post(url).status_code in (404, 405), url
        home = client.get("/")
        assert home.status_code == 200 and "/feedback/" not in home.text
        assert client.get("/tools/").status_code in (200, 403)
        assert "feedback." not in client.get("/tools/").text


def test_a_shared_call_that_reads_like_a_disclosure_raises_one_alert(app, world, cases, frozen):
    for _ in range(2):
        share_family_feedback(cases.a, activity="multi_agency", reference="MA-3/2",
                              with_whom="child", outcome="spoke",
                              contacted_on=date(2026, 3, 2), summary="She said he hit me")
        db.session.commit()
    call = db.session.scalars(select(FeedbackResponse)).one()
    assert call.alert is not None and call.alert.phrase_list == ["hit me"]
