"""A clock the tests move by hand, and the set-up that puts it in place of every `utcnow`
a plugin's workflow reads, so that each plugin's fixtures name only their own clock and day."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

# What the workflow engine, its SLA sweep and the action tracker take to be now.
WORKFLOW_CLOCKS = (
    "core.workflow.engine.utcnow",
    "core.workflow.sweep.utcnow",
    "core.actions.settings.utcnow",
)


class FrozenClock:
    """A stand-in for `utcnow`: returns `now` until a test moves it with `at`."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def at(self, *args: int) -> datetime:
        self.now = datetime(*args, tzinfo=UTC)
        return self.now


def freeze(monkeypatch: pytest.MonkeyPatch, now: datetime, *clocks: str) -> FrozenClock:
    """Put one FrozenClock at `now` in place of `clocks` (a plugin's own) and the workflow's."""
    clock = FrozenClock(now)
    for target in (*clocks, *WORKFLOW_CLOCKS):
        monkeypatch.setattr(target, clock)
    return clock
