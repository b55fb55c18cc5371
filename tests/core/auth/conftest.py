"""Fixtures for sign-in tests: a frozen clock."""

from __future__ import annotations

import pytest

from tests.core.auth.helpers import CLOCK_TARGETS, Clock


@pytest.fixture
def clock(monkeypatch):
    frozen = Clock()
    for target in CLOCK_TARGETS:
        monkeypatch.setattr(target, frozen)
    return frozen
