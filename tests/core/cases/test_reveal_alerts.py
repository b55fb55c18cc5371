"""Break-glass: a reveal alerts the partnership's coordinators and information-governance
officers, with the case code and reason category only; a refused reveal alerts nobody."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.cases.reveal import RevealRefused, reveal
from core.cases.reveal_alerts import EVENT
from core.cases.service import assign_to_case
from core.extensions import db
from core.notifications.models import Notification
from tests.core.cases.conftest import leaks
from tests.support.factories import make_user


def _alerts() -> dict[int, Notification]:
    return {n.recipient_id: n for n in db.session.scalars(
        select(Notification).where(Notification.event == EVENT))}


def test_an_auditors_reveal_alerts_the_coordinator_and_the_ig_officer(world, canary_case,
                                                                       auditor):
    ig = make_user("ig_officer", world.p1, email="ig@example.test")
    elsewhere = make_user("ig_officer", world.p2, email="ig2@example.test")
    assign_to_case(auditor, canary_case, "audits", "NB-AUD-1", by=world.coordinator)
    reveal(canary_case, auditor, "other", "the child's name is needed to match the file")
    db.session.commit()
    alerts = _alerts()
    assert set(alerts) == {world.coordinator.id, ig.id}
    assert elsewhere.id not in alerts and auditor.id not in alerts
    for note in alerts.values():
        assert canary_case.code in note.subject and auditor.name in note.body
        assert "reason: Other" in note.body and "match the file" not in note.body
        assert not leaks(note.subject + note.body)
    assert alerts[ig.id].link == f"/access-log/?code={canary_case.code}"
    assert alerts[world.coordinator.id].link == f"/cases/{canary_case.code}"


def test_the_coordinators_own_reveal_alerts_the_ig_officer_not_themself(world, canary_case):
    ig = make_user("ig_officer", world.p1, email="ig@example.test")
    reveal(canary_case, world.coordinator, "duplicate")
    db.session.commit()
    assert set(_alerts()) == {ig.id}


def test_a_refused_reveal_alerts_nobody(world, canary_case):
    make_user("ig_officer", world.p1, email="ig@example.test")
    with pytest.raises(RevealRefused):
        reveal(canary_case, world.tm_a, "auditing")
    db.session.commit()
    assert _alerts() == {}
