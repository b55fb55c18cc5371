"""The disclosure check: a phrase, a "talk to someone now" press or a child saying they do not
feel safe raises an urgent alert that must be acknowledged the same working day."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import current_app
from sqlalchemy import select

from core.extensions import db
from core.notifications.models import Notification
from core.workflow.models import WorkflowAlert, WorkflowInstance
from core.workflow.sweep import run_sla_sweep
from plugins.feedback import disclosure
from plugins.feedback.alerts import due_at
from plugins.feedback.models import DisclosureAlert, DutyInbox, FeedbackResponse
from tests.plugins.feedback.conftest import public_url
from tests.support import factories as f

CHILD_WORDS = "My uncle hits me when mum is out"


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def outbox() -> list[dict]:
    return current_app.extensions.get("mail_outbox", [])


@pytest.fixture
def line(world):
    """Agency A's line above team A, and its duty mailbox."""
    sm = f.make_user("service_manager", world.a, email="sm.a@example.test")
    ad = f.make_user("assistant_director", world.a, email="ad.a@example.test")
    db.session.add(DutyInbox(agency_id=world.a.id, mailbox="mash.duty@example.test"))
    db.session.commit()
    return sm, ad


def the_alert() -> DisclosureAlert:
    return db.session.scalars(select(DisclosureAlert)).one()


@pytest.mark.parametrize(("text", "found"), [
    ("My uncle hits me", ["hits me"]),
    ("I DON\u2019T feel safe at home", ["dont feel safe"]),
    ("sometimes I think about self-harm", ["self harm"]),
    ("I want to   die", ["want to die"]),
    ("I had white meat for tea and went to the shop", []),
    ("Shitmeat", []),
    ("My therapist is kind", []),
    ("I am not safe", ["not safe"]),
])
def test_phrases_match_whole_words_whatever_the_case_or_apostrophe(app, text, found):
    assert disclosure.matches([text]) == found


def test_a_deployment_adds_its_own_phrases(make_app):
    app = make_app(FEEDBACK={"EXTRA_PHRASES": ["trap house"]})
    with app.app_context():
        assert disclosure.matches(["he took me to a Trap-House"]) == ["trap house"]


def test_a_disclosure_raises_an_urgent_alert_to_the_team_manager_and_the_duty_inbox(
        app, client, make_link, world, cases, line, frozen):
    _, token = make_link("child_8_to_12")
    page = client.post(public_url(token), data={"q_T3": CHILD_WORDS})
    assert page.status_code == 200
    assert "Thank you for telling us" in page.text
    assert "0800 1111" in page.text and "What happens next" in page.text
    assert "read this today" in page.text and "office is closed" not in page.text
    assert "What you told us is important" in page.text and "by asking" not in page.text

    alert = the_alert()
    assert alert.reason_keys == ["phrase"] and alert.phrase_list == ["hits me"]
    assert alert.team_id == world.team_a.id
    [note] = db.session.scalars(select(Notification)).all()
    assert (note.recipient_id, note.urgent) == (world.tm_a.id, True)
    assert note.link == f"/feedback/alerts/{alert.id}"
    assert cases.a.code in note.subject
    sent = {m["to"]: m for m in outbox()}
    assert set(sent) == {"tm.a@example.test", "mash.duty@example.test"}
    for message in sent.values():
        assert CHILD_WORDS not in message["body"] and "hits me" not in message["body"]
        assert cases.a.code in message["subject"]
    assert due_at(alert) == at(2026, 3, 2, 23, 59, 59)  # the end of the same working day


def test_the_talk_button_alone_raises_an_alert_and_keeps_what_was_answered(
        app, client, make_link, frozen):
    _, token = make_link("child_under_8", "any_time")
    page = client.post(public_url(token), data={"talk": "1", "q_W1": "Sad"})
    assert "Thank you for telling us" in page.text
    assert "You did the right thing by asking" in page.text
    alert = the_alert()
    assert alert.reason_keys == ["talk"]
    assert alert.response.asked_to_talk and alert.response.answers == {"W1": "Sad"}


def test_a_child_saying_they_do_not_feel_safe_raises_an_alert(app, client, make_link, frozen):
    _, token = make_link("child_13_plus", "any_time")
    client.post(public_url(token), data={"q_SAFE1": "No"})
    assert the_alert().reason_keys == ["unsafe"]


def test_ordinary_feedback_raises_nothing(app, client, make_link, frozen):
    _, token = make_link("child_13_plus", "any_time")
    page = client.post(public_url(token), data={"q_SAFE1": "Yes", "q_T1": "My worker is great"})
    assert "Thank you" in page.text and "Thank you for telling us" not in page.text
    assert db.session.scalar(select(DisclosureAlert.id)) is None
    assert db.session.scalar(select(Notification.id)) is None


def test_a_team_manager_acknowledges_the_alert_and_nothing_escalates(
        app, client, make_link, world, line, frozen, login):
    _, token = make_link("child_8_to_12")
    client.post(public_url(token), data={"q_T3": CHILD_WORDS})
    alert = the_alert()
    manager = login(world.tm_a)
    page = manager.get(f"/feedback/alerts/{alert.id}")
    assert page.status_code == 200 and CHILD_WORDS in page.text
    assert "hits me" in page.text and "Acknowledge by" in page.text
    refused = manager.post(f"/feedback/alerts/{alert.id}", data={"action_taken": "  "})
    assert refused.status_code == 400 and "Say what you have done" in refused.text
    frozen.at(2026, 3, 2, 15, 0)
    done = manager.post(f"/feedback/alerts/{alert.id}",
                        data={"action_taken": "Spoke to the social worker; visit today."})
    assert done.status_code == 302
    db.session.expire_all()
    alert = the_alert()
    assert alert.acknowledged_by_id == world.tm_a.id
    assert alert.acknowledged_at == at(2026, 3, 2, 15, 0)
    instance = db.session.get(WorkflowInstance, alert.workflow_id)
    assert instance.state == "acknowledged" and not instance.clocks[0].breached
    run_sla_sweep(at(2026, 3, 10, 9, 0))
    assert db.session.scalar(select(WorkflowAlert.id)) is None


def test_an_alert_not_acknowledged_the_same_working_day_escalates_over_bank_holidays(
        app, client, make_link, world, line, frozen):
    sm, _ = line
    frozen.at(2026, 4, 2, 15, 0)  # Thursday before Easter, 4pm in London (BST)
    _, token = make_link("child_8_to_12")
    client.post(public_url(token), data={"q_T3": CHILD_WORDS})
    alert = the_alert()
    assert due_at(alert) == at(2026, 4, 2, 22, 59, 59)  # 23:59:59 BST that Thursday

    run_sla_sweep(at(2026, 4, 2, 22, 0))
    assert db.session.scalar(select(WorkflowAlert.id)) is None
    run_sla_sweep(at(2026, 4, 2, 23, 0))  # midnight in London: not acknowledged
    escalations = db.session.scalars(select(WorkflowAlert)).all()
    assert [(a.level, a.role, a.recipient_user_id) for a in escalations] == [
        (1, "service_manager", sm.id)]
    to_sm = db.session.scalars(select(Notification).filter_by(recipient_id=sm.id)).one()
    assert to_sm.urgent and "Overdue" in to_sm.subject

    # Good Friday and Easter Monday are not working days: the head of service is next told
    # at the end of Tuesday 7 April, one working day after the deadline.
    run_sla_sweep(at(2026, 4, 6, 22, 30))
    assert len(db.session.scalars(select(WorkflowAlert)).all()) == 1
    run_sla_sweep(at(2026, 4, 7, 23, 0))
    levels = [(a.level, a.role) for a in db.session.scalars(select(WorkflowAlert))]
    assert levels == [(1, "service_manager"), (2, "head_of_service")]


def test_an_alert_raised_on_a_bank_holiday_is_due_at_the_end_of_the_next_working_day(
        app, client, make_link, frozen):
    frozen.at(2026, 4, 3, 9, 0)  # Good Friday
    _, token = make_link("child_8_to_12")
    page = client.post(public_url(token), data={"talk": "1"})
    assert due_at(the_alert()) == at(2026, 4, 7, 22, 59, 59)  # Tuesday, after Easter Monday
    # The child is told the truth about when, not "today", and where to turn meanwhile.
    assert "read this on Tuesday" in page.text and "read this today" not in page.text
    assert "Our office is closed today" in page.text and "0800 1111" in page.text


def test_only_the_cases_line_may_open_or_acknowledge_the_alert(
        app, client, make_link, world, frozen, login):
    _, token = make_link("child_8_to_12")
    client.post(public_url(token), data={"q_T3": CHILD_WORDS})
    alert = the_alert()
    assert login(world.tm_b).get(f"/feedback/alerts/{alert.id}").status_code == 404
    assert login(world.tm_c).post(f"/feedback/alerts/{alert.id}",
                                  data={"action_taken": "x"}).status_code == 404
    assert login(world.practitioner_a).get(f"/feedback/alerts/{alert.id}").status_code == 403
    assert the_alert().acknowledged_at is None


def test_a_recorded_call_whose_summary_reads_like_a_disclosure_raises_an_alert(
        app, world, cases, frozen, login):
    page = login(world.tm_a).post(f"/feedback/cases/{cases.a.code}/call", data={
        "with_whom": "parent_carer", "outcome": "spoke", "contacted_day": "2",
        "contacted_month": "3", "contacted_year": "2026",
        "summary": "Mum said the older boyfriend sends the child money"})
    assert page.status_code == 302
    alert = the_alert()
    assert alert.phrase_list == ["older boyfriend"]
    assert alert.response.channel == "telephone"
    assert db.session.scalars(select(FeedbackResponse)).one().alert.id == alert.id


def test_an_alert_on_a_case_whose_management_line_is_vacant_reaches_its_qa_manager(
        app, client, make_link, world, frozen, login):
    from tests.plugins.feedback.conftest import code_case

    agency = f.make_agency(world.p1, name="Eastvale Health")
    team = f.make_team(agency, "Health visiting")  # nobody manages it, nobody above
    qa = f.make_user("qa_manager", agency, email="qa.east@example.test")
    f.make_user("qa_manager", world.a, email="qa.a@example.test")  # another agency's
    case = code_case(world.p1, agency, team, 7)
    db.session.commit()
    _, token = make_link("child_13_plus", "any_time", case=case)
    client.post(public_url(token), data={"q_T3": CHILD_WORDS})
    alert = the_alert()
    [note] = db.session.scalars(select(Notification)).all()
    assert (note.recipient_id, note.urgent) == (qa.id, True)
    assert [m["to"] for m in outbox()] == ["qa.east@example.test"]
    page = login(qa).get(f"/feedback/alerts/{alert.id}")
    assert page.status_code == 200 and "Acknowledge" in page.text


def test_the_duty_inbox_puts_the_longest_waiting_first_and_says_when_one_is_overdue(
        app, client, make_link, world, cases, frozen, login):
    for hour, case in ((9, cases.a), (11, cases.a)):
        frozen.at(2026, 3, 2, hour, 0)
        _, token = make_link("child_8_to_12", case=case)
        client.post(public_url(token), data={"talk": "1"})
    older, newer = db.session.scalars(select(DisclosureAlert)
                                      .order_by(DisclosureAlert.raised_at)).all()
    manager = login(world.tm_a)
    page = manager.get("/feedback/alerts").text
    assert page.index(f"/feedback/alerts/{older.id}") < page.index(f"/feedback/alerts/{newer.id}")
    assert page.count("Acknowledge by") == 2 and "Overdue" not in page

    manager.post(f"/feedback/alerts/{older.id}", data={"action_taken": "Rang the foster carer"})
    frozen.at(2026, 3, 3, 9, 0)  # the next morning: the other one is late
    page = manager.get("/feedback/alerts").text
    assert page.index(f"/feedback/alerts/{newer.id}") < page.index(f"/feedback/alerts/{older.id}")
    assert "Overdue: was due" in page and "Acknowledged" in page
