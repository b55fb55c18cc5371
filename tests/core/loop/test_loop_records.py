"""Closing-the-loop records: the Havering template, dated updates, linked actions, scoping,
and two people saving the same record."""

from __future__ import annotations

from sqlalchemy import select

from core.extensions import db
from core.loop.models import LoopRecord
from core.loop.service import create_record
from tests.support.factories import login_as

TEMPLATE = {
    "title": "Management oversight in supervision",
    "context": "Audits in Q1 found supervision not recorded on 4 of 10 cases",
    "drivers": "Ofsted focused visit", "data": "40% of audited cases",
    "known_risks": "Manager turnover", "goal": "Every case has recorded supervision",
    "measure": "Re-audit in Q3 at 90% or more", "activity": "Supervision workshops",
    "sharing": "Practice briefing", "feedback": "Managers found the template useful",
    "review_outcome": "Re-audit showed 85%", "findings": "MAA-2026-01 findings 2 and 3",
}


def _record(world, clock) -> LoopRecord:
    record = create_record(world.p1, TEMPLATE, world.coordinator)
    db.session.commit()
    return record


def test_a_record_follows_the_template_and_takes_dated_updates(world, login, clock):
    client = login(world.coordinator)
    assert client.post("/closing-the-loop/new", data={"title": ""}).status_code == 400
    response = client.post("/closing-the-loop/new", data=TEMPLATE)
    assert response.status_code == 302
    record = db.session.scalar(select(LoopRecord))
    assert {name: getattr(record, name) for name in TEMPLATE} == TEMPLATE
    page = client.get(f"/closing-the-loop/{record.id}").text
    for label in ("Context", "Drivers", "Data", "Known risks", "Goal", "Measure", "Activity",
                  "Sharing the learning", "Feedback", "Reviewing the outcome"):
        assert f">{label}<" in page
    assert client.post(f"/closing-the-loop/{record.id}/updates",
                       data={"update": ""}).status_code == 400
    assert client.post(f"/closing-the-loop/{record.id}/updates",
                       data={"update": "Workshops held"}).status_code == 302
    page = client.get(f"/closing-the-loop/{record.id}").text
    assert "Workshops held" in page and "2 March 2026" in page


def test_actions_are_linked_by_reference_when_the_person_can_see_them(world, line, login, clock,
                                                                      make_action):
    record = _record(world, clock)
    mine = make_action(line.practitioner)
    police = make_action(agency=world.b)
    client = login(line.hos)  # leads in agency A: sees A's actions, not B's
    assert client.post(f"/closing-the-loop/{record.id}/actions",
                       data={"action": mine.reference}).status_code == 302
    refused = client.post(f"/closing-the-loop/{record.id}/actions",
                          data={"action": police.reference})
    assert refused.status_code == 400 and "that you can see" in refused.text
    login(world.coordinator).post(f"/closing-the-loop/{record.id}/actions",
                                  data={"action": str(police.id)})
    page = login(line.hos).get(f"/closing-the-loop/{record.id}").text
    assert mine.reference in page and police.reference not in page
    assert "1 linked action is outside what you can see" in page
    assert client.post(f"/closing-the-loop/{record.id}/actions/{mine.id}/remove"
                       ).status_code == 302
    db.session.expire_all()
    assert db.session.get(LoopRecord, record.id).actions == [police]


def test_another_partnerships_records_are_not_found(world, login, clock):
    theirs = create_record(world.p2, {"title": "Southmere learning"}, world.tm_c)
    db.session.commit()
    client = login(world.coordinator)
    assert "Southmere learning" not in client.get("/closing-the-loop/").text
    for url in (f"/closing-the-loop/{theirs.id}", f"/closing-the-loop/{theirs.id}/edit"):
        assert client.get(url).status_code == 404
    assert client.post(f"/closing-the-loop/{theirs.id}/updates",
                       data={"update": "x"}).status_code == 404


def test_the_second_save_of_a_record_shows_what_changed_and_keeps_their_text(world, line, app,
                                                                            clock):
    record = _record(world, clock)
    opened = {**TEMPLATE, "version": str(record.version)}
    first, second = app.test_client(), app.test_client()
    login_as(first, world.coordinator)
    login_as(second, line.hos)
    assert first.post(f"/closing-the-loop/{record.id}/edit", data={
        **opened, "goal": "Goal as the coordinator put it"}).status_code == 302
    response = second.post(f"/closing-the-loop/{record.id}/edit", data={
        **opened, "activity": "Workshops and a practice guide"})
    assert response.status_code == 409
    page = response.text
    assert "Someone else saved this record after you opened it" in page
    assert "Goal as the coordinator put it" in page  # saved now
    assert "Workshops and a practice guide" in page  # theirs, still in the form
    db.session.expire_all()
    saved = db.session.get(LoopRecord, record.id)
    assert (saved.goal, saved.activity) == ("Goal as the coordinator put it",
                                            TEMPLATE["activity"])
