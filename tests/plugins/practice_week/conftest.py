"""Fixtures for the practice week plugin: a frozen clock and a council with a QA officer,
senior leaders, a team manager line-managing two practitioners in the same team, and a
practitioner in another council."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from core.extensions import db
from tests.support.clock import freeze
from tests.support.factories import make_team, make_user


@pytest.fixture
def frozen(monkeypatch):
    """The plugin's clock and the workflow's, at Monday 28 September 2026."""
    start = datetime(2026, 9, 28, 9, 0, tzinfo=UTC)
    return freeze(monkeypatch, start, "plugins.practice_week.clock.utcnow")


@pytest.fixture
def pw(world, frozen):
    """Northbrook Council (agency A): Assessment team with its manager and two practitioners,
    a head of service the team manager reports to, a director, a QA officer."""
    w = world
    qa = make_user("qa_officer", w.a, email="qa@example.test", name="Quinn QA")
    dcs = make_user("director", w.a, email="dcs@example.test", name="Dana Director")
    hos = make_user("head_of_service", w.a, email="hos@example.test", name="Hari Head")
    tm = make_user("team_manager", w.team_a, email="tm@example.test", name="Tara Manager")
    sw1 = make_user("practitioner", w.team_a, email="sw1@example.test", name="Sam Worker")
    sw2 = make_user("practitioner", w.team_a, email="sw2@example.test", name="Kit Colleague")
    other_team = make_team(w.a, "Children in care")
    sw3 = make_user("practitioner", other_team, email="sw3@example.test", name="Ade Other")
    tm.memberships[0].line_manager = hos
    sw1.memberships[0].line_manager = tm
    sw2.memberships[0].line_manager = tm
    sw3.memberships[0].line_manager = hos
    db.session.commit()
    return SimpleNamespace(w=w, qa=qa, dcs=dcs, hos=hos, tm=tm, sw1=sw1, sw2=sw2, sw3=sw3,
                           other_team=other_team)
