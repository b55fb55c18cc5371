"""API fixtures: tokens for people of agencies A (P1) and C (P2), and a bearer client."""

from __future__ import annotations

import pytest

from core.api.tokens import issue
from core.extensions import db
from tests.support import factories as f


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def lead_a(world):
    """Agency A's lead auditor, who may also write example notes (team manager there)."""
    user = f.make_user("agency_lead_auditor", world.a, email="lead.a@example.test")
    f.add_role(user, "team_manager", world.team_a)
    db.session.commit()
    return user


@pytest.fixture
def token_a(lead_a, world):
    _, text = issue(lead_a, world.a, "case system", 30)
    db.session.commit()
    return text


@pytest.fixture
def token_c(world):
    user = f.make_user("agency_lead_auditor", world.c, email="lead.c@example.test")
    f.add_role(user, "team_manager", world.team_c)
    _, text = issue(user, world.c, "case system", 30)
    db.session.commit()
    return text
