"""Fixtures for action tests: a management line in agency A, a frozen London clock, helpers
that raise actions, and the mail and inbox the notifications land in."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest
from flask import current_app
from sqlalchemy import select

from core.actions.sampling import RNG_KEY
from core.actions.service import raise_action
from core.extensions import db
from core.identity.models import Membership
from core.notifications.models import Notification
from tests.support.clock import FrozenClock
from tests.support.factories import make_user


@pytest.fixture
def clock(monkeypatch):
    """Monday 2 March 2026, 9am GMT, for every action module."""
    moved = FrozenClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    monkeypatch.setattr("core.actions.settings.utcnow", moved)
    return moved


def _manages(user, manager) -> None:
    for m in db.session.scalars(select(Membership).where(Membership.user_id == user.id)):
        m.line_manager_id = manager.id


@pytest.fixture
def line(world):
    """Agency A's line: practitioner → TM → SM → HoS → AD, recorded as line managers."""
    a = world.a
    people = SimpleNamespace(
        practitioner=world.practitioner_a, tm=world.tm_a, hos=world.hos_a,
        sm=make_user("service_manager", a, email="sm.a@example.test", name="Sam Service"),
        ad=make_user("assistant_director", a, email="ad.a@example.test", name="Ada Director"),
        qa=make_user("qa_officer", a, email="qa.a@example.test", name="Quinn Officer"),
    )
    _manages(people.practitioner, people.tm)
    _manages(people.tm, people.sm)
    _manages(people.sm, people.hos)
    _manages(people.hos, people.ad)
    db.session.commit()
    return people


@pytest.fixture
def seeded(app):
    """A seeded generator for the difference-review sample."""
    app.extensions[RNG_KEY] = random.Random(20260302)
    return app.extensions[RNG_KEY]


@pytest.fixture
def make_action(world, clock):
    """Raise an action in P1 (owned by agency A unless told otherwise) and commit it."""

    def make(owner=None, *, agency=None, what="Record the reason for the plan change",
             why="Audit found no recorded rationale", due: date | None = None,
             priority="normal", by=None, **extra):
        action = raise_action(partnership=world.p1, what=what, why=why,
                              owner_agency=agency or (None if owner else world.a),
                              owner_user=owner, due=due, priority=priority,
                              by=by or world.coordinator, **extra)
        db.session.commit()
        return action

    return make


@pytest.fixture
def inbox(app):
    """(recipient id, event) of every notification so far, oldest first."""

    def rows() -> list[tuple[int, str]]:
        found = db.session.scalars(select(Notification).order_by(Notification.id))
        return [(n.recipient_id, n.event) for n in found]

    return rows


@pytest.fixture
def outbox(app):
    return lambda: current_app.extensions.get("mail_outbox", [])
