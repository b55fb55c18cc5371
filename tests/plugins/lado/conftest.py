"""LADO fixtures: the LADO service, its manager, auditors, a school, canary adult details."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest

from core.extensions import db
from plugins.lado import referrals
from tests.support import factories as f
from tests.support.clock import FrozenClock

CANARY_ROLE = "ZZCANARY-ROLE teaching assistant"
CANARY_EMPLOYER = "ZZCANARY-EMPLOYER primary school"
CANARY_ADULT = "ZZCANARY-ADULT 01/01/1980"
CANARIES = (CANARY_ROLE, CANARY_EMPLOYER, CANARY_ADULT, "ZZCANARY")


def leaks(text: str) -> list[str]:
    return [c for c in CANARIES if c in text]


@pytest.fixture
def frozen(monkeypatch):
    """Tuesday 30 June 2026, 10:00 UTC, as the LADO modules see it."""
    clock = FrozenClock(datetime(2026, 6, 30, 10, 0, tzinfo=UTC))
    for module in ("timeliness", "audits", "referrals", "reveal"):
        monkeypatch.setattr(f"plugins.lado.{module}.utcnow", clock)
    return clock


@pytest.fixture
def people(world):
    """LADO and LADO manager in council A, a QA officer in A, a police auditor in B, an
    education agency (a school) in P1, a LADO in P2, a board member of P1."""
    school = f.make_agency(world.p1, name="Northbrook Primary School", type="education")
    manager = f.make_user("service_manager", world.a, email="lado.manager@example.test",
                          name="Morgan Manager")
    lado = f.make_user("lado", world.a, email="lado@example.test", name="Lee Lado")
    lado.memberships[0].line_manager_id = manager.id
    ns = SimpleNamespace(
        school=school, manager=manager, lado=lado,
        qa=f.make_user("qa_officer", world.a, email="qa@example.test", name="Quinn Auditor"),
        police_auditor=f.make_user("agency_lead_auditor", world.b, email="pa@example.test",
                                   name="Pat Police"),
        lado_c=f.make_user("lado", world.c, email="lado.c@example.test", name="Lou Other"),
        board=f.make_user("board_member", world.p1, email="board@example.test"),
    )
    db.session.commit()
    return ns


def referral_values(**changes) -> dict:
    values = {"referral_date": "02/03/2026", "sector": "education", "category": "harm",
              "adult_role": CANARY_ROLE, "employer": CANARY_EMPLOYER,
              "adult_identifier": CANARY_ADULT}
    return {**values, **changes}


def record(world, by, today=date(2026, 6, 30), **changes):
    referral = referrals.register(world.p1, referral_values(**changes), by, today)
    db.session.commit()
    return referral


@pytest.fixture
def referral(world, people):
    return record(world, people.lado, lado=str(people.lado.id),
                  referrer_agency=str(people.school.id), decision="met",
                  decision_date="03/03/2026")
