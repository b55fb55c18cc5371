"""Staff pages: making links and QR codes, recording calls, tagging themes, "you said, we
did", the duty inbox settings; each scoped to the agencies and partnerships people reach."""

from __future__ import annotations

import base64
import re
from datetime import date

import pytest
from sqlalchemy import select

from core.extensions import db
from plugins.feedback.models import (
    FeedbackLink,
    FeedbackResponse,
    ResponseTheme,
    YouSaidWeDid,
)
from plugins.feedback.tokens import token_hash
from tests.plugins.feedback.conftest import public_url
from tests.support import factories as f


def answered(client, make_link, case=None, **answers):
    _, token = make_link("child_8_to_12", "social_worker", case=case)
    client.post(public_url(token), data=answers or {"q_W1": "Happy"})
    return db.session.scalars(select(FeedbackResponse)
                              .order_by(FeedbackResponse.received_at.desc())).first()


def test_a_manager_creates_a_link_and_sees_it_once_with_a_printable_qr_code(
        app, world, cases, login):
    client = login(world.tm_a)
    form = client.get(f"/feedback/links/new?code={cases.a.code}")
    assert form.status_code == 200
    key = re.search(r'name="request_key" value="([^"]+)"', form.text)[1]
    data = {"code": cases.a.code, "audience": "child_under_8", "occasion": "before_review",
            "days": "14", "request_key": key}
    page = client.post("/feedback/links/new", data=data)
    assert page.status_code == 200
    address = re.search(r'data-testid="feedback-link"><code>([^<]+)</code>', page.text)[1]
    assert address.startswith("http://127.0.0.1:5000/feedback/v/")  # PUBLIC_URL, not the Host
    token = address.rsplit("/", 1)[1]
    link = db.session.scalars(select(FeedbackLink)).one()
    assert link.token_hash == token_hash(token) and link.tool_key == "feedback.child_under_8"
    qr = re.search(r'<img src="data:image/svg\+xml;base64,([^"]+)"', page.text)[1]
    assert base64.b64decode(qr).startswith(b"<svg")
    again = client.post("/feedback/links/new", data=data)  # reloaded: still one link
    assert "already created" in again.text and token not in again.text
    assert len(db.session.scalars(select(FeedbackLink)).all()) == 1
    assert client.get(public_url(token)).status_code == 200


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"code": "NB-NOPE00-X"}, "code", "Enter the code of a case you work with"),
    ({"audience": "grandparent"}, "audience", "Select who the feedback is from"),
    ({"occasion": "cp_conference"}, "occasion", "Select what the feedback is about"),
    ({"days": "365"}, "days", "Select how long the link works for"),
])
def test_a_link_form_with_a_mistake_names_the_field(app, world, cases, login, change, field,
                                                    message):
    data = {"code": cases.a.code, "audience": "child_13_plus", "occasion": "plan",
            "days": "7", "request_key": "k" * 20, **change}
    page = login(world.tm_a).post("/feedback/links/new", data=data)
    assert page.status_code == 400
    assert f'href="#{field}"' in page.text and message in page.text
    assert db.session.scalar(select(FeedbackLink.id)) is None


def test_nobody_makes_a_link_for_a_case_outside_their_agency(app, world, cases, login):
    for who, case in ((world.tm_b, cases.a), (world.tm_a, cases.c)):
        page = login(who).post("/feedback/links/new", data={
            "code": case.code, "audience": "child_13_plus", "occasion": "plan", "days": "7",
            "request_key": "k" * 20})
        assert page.status_code == 400 and "Enter the code of a case you work with" in page.text
    assert login(world.practitioner_a).get("/feedback/links/new").status_code == 403


def test_feedback_is_listed_by_case_team_and_theme_within_reach_only(
        app, client, make_link, world, cases, login):
    mine = answered(client, make_link, case=cases.a)
    theirs = answered(client, make_link, case=cases.b)
    other = answered(client, make_link, case=cases.c)
    db.session.add(ResponseTheme(response_id=mine.id, theme="Being listened to"))
    db.session.commit()
    manager = login(world.tm_a)
    listing = manager.get("/feedback/").text
    assert cases.a.code in listing and cases.b.code not in listing and cases.c.code not in listing
    coordinator = login(world.coordinator)
    listing = coordinator.get("/feedback/").text
    assert cases.a.code in listing and cases.b.code in listing and cases.c.code not in listing
    by_team = coordinator.get(f"/feedback/?team={world.team_b.id}").text
    assert cases.b.code in by_team and cases.a.code not in by_team
    by_theme = coordinator.get("/feedback/?theme=Being+listened+to").text
    assert cases.a.code in by_theme and cases.b.code not in by_theme
    by_code = coordinator.get(f"/feedback/?code={cases.b.code.lower()}").text
    assert cases.b.code in by_code and cases.a.code not in by_code
    manager = login(world.tm_a)  # one client: sign the manager back in
    for url in (f"/feedback/responses/{theirs.id}", f"/feedback/responses/{other.id}",
                f"/feedback/cases/{cases.b.code}", f"/feedback/cases/{cases.c.code}"):
        assert manager.get(url).status_code == 404, url
    assert manager.get(f"/feedback/responses/{mine.id}").status_code == 200
    assert login(world.practitioner_a).get("/feedback/").status_code == 403


def test_themes_are_tagged_and_a_stale_save_is_refused_without_losing_the_other(
        app, client, make_link, world, login):
    response = answered(client, make_link, q_T1="My worker never comes")
    manager = login(world.tm_a)
    page = manager.get(f"/feedback/responses/{response.id}")
    version = re.search(r'name="version" value="(\d+)"', page.text)[1]
    saved = manager.post(f"/feedback/responses/{response.id}/themes",
                         data={"themes": ["Seeing my worker", "Timeliness"], "version": version})
    assert saved.status_code == 302
    stale = login(world.hos_a).post(f"/feedback/responses/{response.id}/themes",
                                    data={"themes": ["Respect and kindness"],
                                          "version": version})
    assert stale.status_code == 400 and "Someone else changed the themes" in stale.text
    db.session.expire_all()
    kept = db.session.get(FeedbackResponse, response.id)
    assert kept.theme_names == ["Seeing my worker", "Timeliness"]
    unknown = manager.post(f"/feedback/responses/{response.id}/themes",
                           data={"themes": ["<b>Made up</b>"], "version": str(kept.version)})
    assert unknown.status_code == 400 and "<b>Made up</b>" not in unknown.text


def test_you_said_we_did_is_recorded_against_feedback_and_listed(app, client, make_link, world,
                                                                 login):
    response = answered(client, make_link)
    manager = login(world.tm_a)
    missing = manager.post(f"/feedback/you-said/new?response={response.id}", data={})
    assert missing.status_code == 400 and 'href="#you_said"' in missing.text
    done = manager.post(f"/feedback/you-said/new?response={response.id}", data={
        "theme": "Seeing my worker", "you_said": "You said visits were cancelled <b>often</b>",
        "we_did": "We now text you if a visit moves"})
    assert done.status_code == 302
    record = db.session.scalars(select(YouSaidWeDid)).one()
    assert (record.response_id, record.agency_id) == (response.id, world.a.id)
    listing = manager.get("/feedback/you-said").text
    assert "We now text you if a visit moves" in listing
    assert "&lt;b&gt;often&lt;/b&gt;" in listing
    assert "We now text" not in login(world.tm_c).get("/feedback/you-said").text


def test_a_call_is_recorded_with_its_outcome_and_mistakes_are_named(app, world, cases, login,
                                                                    frozen):
    manager = login(world.tm_a)
    url = f"/feedback/cases/{cases.a.code}/call?reference=SA-00012"
    form = manager.get(url)
    assert 'value="SA-00012"' in form.text
    wrong = manager.post(url, data={"with_whom": "parent_carer", "outcome": "spoke",
                                    "contacted_day": "31", "contacted_month": "2",
                                    "contacted_year": "2026", "summary": ""})
    assert wrong.status_code == 400
    assert "must be a real date" in wrong.text and "Summarise what they told you" in wrong.text
    saved = manager.post(url, data={"with_whom": "parent_carer", "outcome": "no_contact",
                                    "contacted_day": "2", "contacted_month": "3",
                                    "contacted_year": "2026", "reference": "SA-00012"})
    assert saved.status_code == 302
    call = db.session.scalars(select(FeedbackResponse)).one()
    assert (call.channel, call.outcome, call.contacted_on, call.reference) == (
        "telephone", "no_contact", date(2026, 3, 2), "SA-00012")
    assert login(world.tm_b).get(url).status_code == 404


def test_the_duty_inbox_is_set_per_agency_by_those_who_may(app, world, login):
    qa = f.make_user("qa_manager", world.a)
    db.session.commit()
    client = login(qa)
    listing = client.get("/feedback/settings")
    assert world.a.name in listing.text and world.c.name not in listing.text
    bad = client.post(f"/feedback/settings/{world.a.id}", data={"mailbox": "not an address"})
    assert bad.status_code == 400 and 'href="#mailbox"' in bad.text
    good = client.post(f"/feedback/settings/{world.a.id}", data={"mailbox": "MASH@Example.org"})
    assert good.status_code == 302
    assert client.get(f"/feedback/settings/{world.c.id}").status_code == 404
    assert client.get("/feedback/settings/99999999999999").status_code == 404
    assert login(world.tm_a).get("/feedback/settings").status_code == 403


def test_the_staff_pages_render_for_each_kind_of_reader(app, client, make_link, world, cases,
                                                        login):
    response = answered(client, make_link, q_T3="They hit me")
    alert = response.alert
    for who in (world.tm_a, world.coordinator, world.hos_a, world.admin):
        session = login(who)
        for url in ("/feedback/", "/feedback/links", "/feedback/you-said",
                    f"/feedback/cases/{cases.a.code}", f"/feedback/responses/{response.id}",
                    "/feedback/alerts", f"/feedback/alerts/{alert.id}"):
            assert session.get(url).status_code in (200, 403), (who.email, url)
    assert "Safeguarding alert" in login(world.tm_a).get("/feedback/").text
