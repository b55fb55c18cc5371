"""Fixtures for the Regulation 44 plugin: a frozen clock, a council's own home run by a team
under a residential service, its staff and managers, independent persons and coded children."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from core.extensions import db
from tests.plugins.reg44 import helpers as h
from tests.support.clock import freeze
from tests.support.factories import make_team, make_user


@pytest.fixture
def frozen(monkeypatch):
    """The plugin's clock and the workflow's, at Monday 2 March 2026."""
    start = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    return freeze(monkeypatch, start, "plugins.reg44.clock.utcnow")


@pytest.fixture
def r44(world, frozen):
    """Oakwood, agency A's own home, run by a team under Residential services; its manager
    reports to the service manager; a carer reports to the manager. Two independent persons,
    and two children placed at Oakwood (one carries the identity canary)."""
    residential = make_team(world.a, "Residential services")
    oak_team = make_team(world.a, "Oakwood house")
    oak_team.parent = residential
    sm = make_user("service_manager", residential, email="res.sm@example.test", name="Sam Service")
    manager = make_user("team_manager", oak_team, email="oak.tm@example.test", name="Olu Manager")
    carer = make_user("practitioner", oak_team, email="oak.carer@example.test", name="Cas Carer")
    manager.memberships[0].line_manager = sm
    carer.memberships[0].line_manager = manager
    visitor = make_user("reg44_visitor", world.a, email="vera@example.test", name="Vera Visitor")
    other = make_user("reg44_visitor", world.a, email="ivo@example.test", name="Ivo Independent")
    home = h.make_home(world, "Oakwood", team=oak_team, created=frozen.now)
    canary = h.make_case(world, canary=True)
    plain = h.make_case(world)
    h.place(home, canary, frozen.now.date())
    h.place(home, plain, frozen.now.date())
    db.session.commit()
    return SimpleNamespace(home=home, team=oak_team, residential=residential, sm=sm,
                           manager=manager, carer=carer, visitor=visitor, other=other,
                           canary=canary, plain=plain, world=world)
