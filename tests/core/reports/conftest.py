"""Report fixtures: a quarter of partnership P1, as someone of the world sees it."""

from __future__ import annotations

import pytest

from core.reports.sections import ReportContext
from tests.support.reports import QUARTER


@pytest.fixture
def quarter(world):
    def build(user=None, agency=None, team=None):
        return ReportContext(world.p1, *QUARTER, "quarterly", agency, team,
                             user or world.coordinator)
    return build
