"""Feedback fixtures: coded cases in agencies A and C, a frozen clock, links and forms."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from core.cases.service import register_case
from core.extensions import db
from plugins.feedback import links as link_service
from tests.support import factories as f
from tests.support.clock import FrozenClock


@pytest.fixture
def frozen(monkeypatch):
    """Monday 2 March 2026, 10:00 GMT."""
    clock = FrozenClock(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    monkeypatch.setattr("plugins.feedback.clock.utcnow", clock)
    monkeypatch.setattr("core.workflow.engine.utcnow", clock)
    monkeypatch.setattr("core.workflow.sweep.utcnow", clock)
    return clock


def code_case(partnership, agency, team, n: int):
    identity = {"name": f"ZZCANARY-NAME {n}", "date_of_birth": "2015-01-01",
                "record_id": f"ZZREF-{n:04d}"}
    return register_case(partnership, agency, identity,
                         {"cohort": "child_in_care", "team_id": team.id}, None)


@pytest.fixture
def cases(world):
    """A case of team A (agency A, P1), one of team B (agency B, P1), one of team C (P2)."""
    found = SimpleNamespace(a=code_case(world.p1, world.a, world.team_a, 1),
                            b=code_case(world.p1, world.b, world.team_b, 2),
                            c=code_case(world.p2, world.c, world.team_c, 3))
    db.session.commit()
    return found


@pytest.fixture
def make_link(world, cases):
    """make_link(audience="child_8_to_12", occasion="social_worker", case=None, days=14)
    -> (link, token): a link made by team A's manager."""

    def make(audience="child_8_to_12", occasion="social_worker", case=None, days=14, by=None):
        made = link_service.create_link(case or cases.a, audience, occasion, days,
                                        by or world.tm_a, secrets.token_urlsafe(24))
        db.session.commit()
        return made.link, made.token

    return make


def public_url(token: str) -> str:
    return f"/feedback/v/{token}"


@pytest.fixture
def world_factory(make_app):
    """An app with its own settings, a case of a team and one open link: (app, token)."""

    def build(**settings):
        app = make_app(**settings)
        with app.app_context():
            p = f.make_partnership("Northbrook", "NB")
            agency = f.make_agency(p, name="Northbrook Council")
            team = f.make_team(agency, "Assessment")
            manager = f.make_user("team_manager", team)
            case = code_case(p, agency, team, 9)
            made = link_service.create_link(case, "child_13_plus", "any_time", 14, manager,
                                            secrets.token_urlsafe(24))
            db.session.commit()
            return app, made.token

    return build
