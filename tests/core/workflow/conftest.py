"""Fixtures for workflow tests: a management line in agency A, a note to review, a frozen clock."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from core.extensions import db
from core.workflow.engine import start_workflow
from tests.fixtures.plugins.example import workflow as example_workflow
from tests.fixtures.plugins.example.views import Note
from tests.support.clock import FrozenClock
from tests.support.factories import make_user


@pytest.fixture
def frozen(monkeypatch):
    clock = FrozenClock(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))  # Monday 2 March 2026, GMT
    monkeypatch.setattr("core.workflow.engine.utcnow", clock)
    monkeypatch.setattr("core.workflow.sweep.utcnow", clock)
    return clock


@pytest.fixture(autouse=True)
def _forget_events():
    example_workflow.EVENTS.clear()
    yield
    example_workflow.EVENTS.clear()


@pytest.fixture
def line(world):
    """Agency A's line above team A (TM → SM → HoS → AD → DCS) and its QA officer."""
    a = world.a
    people = SimpleNamespace(
        tm=world.tm_a, hos=world.hos_a, practitioner=world.practitioner_a,
        sm=make_user("service_manager", a, email="sm.a@example.test"),
        ad=make_user("assistant_director", a, email="ad.a@example.test"),
        dcs=make_user("director", a, email="dcs.a@example.test"),
        qa=make_user("qa_officer", a, email="qa.a@example.test"),
        qa_other=make_user("qa_officer", world.c, email="qa.c@example.test"),
    )
    db.session.commit()
    return people


@pytest.fixture
def note(world):
    note = Note(agency_id=world.a.id, text="Practice in the last six months", case_id="NB-000042")
    db.session.add(note)
    db.session.commit()
    return note


@pytest.fixture
def review(world, line, note, frozen):
    """An example review of `note`, opened by team A's manager (in draft)."""
    instance = start_workflow(example_workflow.KEY, example_workflow.SUBJECT, note.id,
                              world.p1.id, world.a.id, world.team_a.id, by=line.tm)
    db.session.commit()
    return instance
