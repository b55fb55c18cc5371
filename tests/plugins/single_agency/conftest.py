"""A council for case file audits: three teams with their line of management, the QA team, coded
cases, a programme, and a clock the plugin and the workflow engine both read."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from core.cases.service import register_case
from core.extensions import db
from plugins.single_agency import cycles
from tests.support import factories as f
from tests.support.clock import FrozenClock

CLOCKS = ("plugins.single_agency.clock.utcnow", "core.workflow.engine.utcnow",
          "core.workflow.sweep.utcnow", "core.actions.settings.utcnow")


@pytest.fixture
def frozen(monkeypatch):
    clock = FrozenClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))  # Monday 2 March 2026
    for target in CLOCKS:
        monkeypatch.setattr(target, clock)
    return clock


def _member(role, where, email, name, manager=None):
    user = f.make_user(role, where, email=email, name=name)
    if manager is not None:
        user.memberships[0].line_manager_id = manager.id
    return user


@pytest.fixture
def council(world):
    """Agency A (Northbrook Council) as a council: teams, line managers, QA team, auditors."""
    a = world.a
    world.team_a.service_area = "assessment"
    care = f.make_team(a, "Children in care")
    care.service_area = "children_in_care"
    safe = f.make_team(a, "Safeguarding and support")
    safe.service_area = "safeguarding"
    hos = world.hos_a
    ad = _member("assistant_director", a, "ad@example.test", "Ada Director")
    hos.memberships[0].line_manager_id = ad.id
    sm = _member("service_manager", a, "sm@example.test", "Sam Service", hos)
    sm2 = _member("service_manager", a, "sm2@example.test", "Sian Service", hos)
    world.tm_a.memberships[0].line_manager_id = sm.id
    tm_care = _member("team_manager", care, "tm.care@example.test", "Tess Care", sm)
    tm_safe = _member("team_manager", safe, "tm.safe@example.test", "Toby Safe", sm2)
    world.practitioner_a.memberships[0].line_manager_id = world.tm_a.id
    c = SimpleNamespace(
        agency=a, team_a=world.team_a, care=care, safe=safe, hos=hos, ad=ad, sm=sm, sm2=sm2,
        tm_a=world.tm_a, tm_care=tm_care, tm_safe=tm_safe, practitioner_a=world.practitioner_a,
        sw_care=_member("practitioner", care, "sw.care@example.test", "Sol Care", tm_care),
        sw_safe=_member("practitioner", safe, "sw.safe@example.test", "Sky Safe", tm_safe),
        dcs=_member("director", a, "dcs@example.test", "Dana Director"),
        psw=_member("principal_social_worker", a, "psw@example.test", "Pat Principal"),
        qa=_member("qa_officer", a, "qa@example.test", "Quinn Officer"),
        qa_manager=_member("qa_manager", a, "qa.manager@example.test", "Quincy Manager"),
        police=f.make_user("team_manager", world.b, email="police.tm@example.test",
                           name="Percy Police"),
    )
    db.session.commit()
    return c


def code_case(world, team, practitioner, n: int, cohort: str = "child_in_need"):
    identity = {"name": f"Child {n}", "date_of_birth": "2015-05-05", "record_id": f"R-{n:04d}"}
    attributes = {"cohort": cohort, "team_id": team.id, "practitioner_id": practitioner.id}
    return register_case(world.p1, world.a, identity, attributes, None)


@pytest.fixture
def cases(world, council):
    """Three cases in each team."""
    made = {}
    n = 0
    for key, team, worker in (("a", council.team_a, council.practitioner_a),
                              ("care", council.care, council.sw_care),
                              ("safe", council.safe, council.sw_safe)):
        made[key] = []
        for cohort in ("child_in_need", "child_protection", "child_in_care"):
            n += 1
            made[key].append(code_case(world, team, worker, n, cohort))
    db.session.commit()
    return SimpleNamespace(**made)


@pytest.fixture
def programme(council, frozen):
    programme = cycles.create_programme(council.agency)
    programme.sample_per_team = 1
    db.session.commit()
    return programme


@pytest.fixture
def rng():
    return random.Random(7)
