"""Inadequate providers: every placed child flagged by code, a recorded decision for each, and
an action raised in the core tracker."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from core.actions.models import Action
from core.extensions import db
from core.notifications.models import Notification
from plugins.reg44.models import FlaggedChild, Scrutiny
from tests.plugins.reg44 import helpers as h

pytestmark = pytest.mark.plugins("reg44")


def judge(client, home, judgement: str, day: date = date(2026, 3, 2)):
    return client.post(f"/reg44/homes/{home.id}/judgements",
                       data={"judgement": judgement, **h.day_fields("inspected_on", day)})


def flagged() -> list[FlaggedChild]:
    db.session.expire_all()
    return list(db.session.scalars(select(FlaggedChild).order_by(FlaggedChild.id)))


def test_an_inadequate_judgement_flags_every_child_placed_there_by_code(r44, login):
    response = judge(login(r44.world.coordinator), r44.home, "inadequate")
    scrutiny = db.session.scalar(select(Scrutiny))
    assert response.headers["Location"].endswith(f"/reg44/scrutiny/{scrutiny.id}")
    assert {c.case_id for c in flagged()} == {r44.canary.id, r44.plain.id}
    assert db.session.get(type(r44.home), r44.home.id).ofsted_judgement == "inadequate"
    page = login(r44.world.coordinator).get(f"/reg44/scrutiny/{scrutiny.id}")
    assert r44.canary.code in page.text and r44.plain.code in page.text
    assert "ZZCANARY-NAME" not in page.text


def test_the_people_who_decide_are_told_at_once(r44, login):
    judge(login(r44.world.coordinator), r44.home, "inadequate")
    told = db.session.scalars(select(Notification).where(
        Notification.event == "reg44.scrutiny_opened")).all()
    assert [n.recipient_id for n in told] == [r44.world.hos_a.id]
    assert told[0].urgent and r44.canary.code in told[0].body
    assert "ZZCANARY-NAME" not in told[0].subject + told[0].body


def test_other_judgements_flag_nobody(r44, login):
    client = login(r44.world.coordinator)
    judge(client, r44.home, "requires_improvement")
    judge(client, r44.home, "inadequate", date(2025, 1, 1))  # older than the latest
    assert flagged() == [] and db.session.scalar(select(Scrutiny)) is None


def test_a_child_placed_while_the_scrutiny_is_open_is_flagged_too(r44, login):
    client = login(r44.world.coordinator)
    judge(client, r44.home, "inadequate")
    newcomer = h.make_case(r44.world)
    db.session.commit()
    client.post(f"/reg44/homes/{r44.home.id}/placements", data={
        "case_code": newcomer.code, **h.day_fields("placed_on", date(2026, 3, 2))})
    assert newcomer.id in {c.case_id for c in flagged()}


def test_a_decision_needs_reasons_and_staying_needs_an_action_plan(r44, login):
    judge(login(r44.world.coordinator), r44.home, "inadequate")
    child = flagged()[0]
    client = login(r44.world.hos_a)
    url = f"/reg44/scrutiny/{child.scrutiny_id}/children/{child.id}"
    response = client.post(url, data={"version": str(child.version), "decision": "stay"})
    assert response.status_code == 400
    assert "Enter the reasons for the decision" in response.text
    assert "Enter the action plan" in response.text
    assert flagged()[0].decision is None


def test_each_decision_raises_a_safeguarding_action_and_all_of_them_close_the_scrutiny(r44,
                                                                                       login):
    judge(login(r44.world.coordinator), r44.home, "inadequate")
    first, second = flagged()
    client = login(r44.world.hos_a)
    client.post(f"/reg44/scrutiny/{first.scrutiny_id}/children/{first.id}", data={
        "version": str(first.version), "decision": "move",
        "reason": "The home cannot keep the child safe."})
    client.post(f"/reg44/scrutiny/{second.scrutiny_id}/children/{second.id}", data={
        "version": str(second.version), "decision": "stay",
        "reason": "Settled, and a move would harm the child.",
        "action_plan": "Weekly visits by the social worker; review in four weeks."})
    first, second = flagged()
    actions = db.session.scalars(select(Action).order_by(Action.id)).all()
    assert [(a.source_activity, a.priority, a.case_id) for a in actions] == [
        ("reg44", "safeguarding", first.case_id), ("reg44", "safeguarding", second.case_id)]
    assert actions[0].id == first.action_id and actions[1].id == second.action_id
    assert actions[0].source_ref == first.scrutiny.reference
    assert "Weekly visits by the social worker" in actions[1].what
    assert first.scrutiny.closed_at is not None


def test_a_decision_is_made_once(r44, login):
    judge(login(r44.world.coordinator), r44.home, "inadequate")
    child = flagged()[0]
    client = login(r44.world.hos_a)
    data = {"version": str(child.version), "decision": "move", "reason": "Unsafe."}
    url = f"/reg44/scrutiny/{child.scrutiny_id}/children/{child.id}"
    assert client.post(url, data=data).status_code == 302
    assert client.post(url, data=data).status_code == 409
    assert db.session.scalar(select(db.func.count(Action.id))) == 1


def test_only_senior_managers_decide(r44, login):
    judge(login(r44.world.coordinator), r44.home, "inadequate")
    child = flagged()[0]
    url = f"/reg44/scrutiny/{child.scrutiny_id}/children/{child.id}"
    data = {"version": str(child.version), "decision": "move", "reason": "Unsafe."}
    assert login(r44.world.coordinator).post(url, data=data).status_code == 403
    assert login(r44.visitor).get(f"/reg44/scrutiny/{child.scrutiny_id}").status_code == 403
    assert flagged()[0].decision is None
