"""Fixtures for notification tests: the captured outbox, choices and a frozen clock."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import current_app

from core.extensions import db
from core.notifications.preferences import set_delivery
from tests.core.workflow.conftest import frozen, line, note, review  # noqa: F401  (SLA tests)
from tests.support.clock import FrozenClock


@pytest.fixture
def clock(monkeypatch):
    """Monday 2 March 2026, 9am GMT, for notify, the inbox and the digest."""
    moved = FrozenClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    for module in ("service", "inbox", "digest"):
        monkeypatch.setattr(f"core.notifications.{module}.utcnow", moved)
    return moved


@pytest.fixture
def outbox(app):
    """The emails sent so far (MAIL_CAPTURE), read when called."""
    return lambda: current_app.extensions.get("mail_outbox", [])


@pytest.fixture
def choose():
    def choose(user, delivery: str) -> None:
        set_delivery(user, delivery)
        db.session.commit()

    return choose
