"""Case fixtures: canary identity values, registrars and auditors, and a coded canary case."""

from __future__ import annotations

import pytest

from core.cases.service import register_case
from core.extensions import db
from tests.support.factories import make_user

CANARY_NAME = "ZZCANARY-NAME"
CANARY_DOB = "2011-01-01"
CANARY_REF = "ZZREF-0001"
CANARY_NHS = "9990000018"  # a valid number in the NHS test range (999...)
CANARY_ALIAS = "ZZCANARY-ALIAS"
CANARIES = (CANARY_NAME, CANARY_DOB, "1 January 2011", "01/01/2011", CANARY_REF, CANARY_NHS,
            "999 000 0018", CANARY_ALIAS)


def identity(**changes) -> dict:
    values = {"name": CANARY_NAME, "date_of_birth": CANARY_DOB, "record_id": CANARY_REF,
              "nhs_number": CANARY_NHS, "alias": CANARY_ALIAS}
    return {**values, **changes}


def attributes(**changes) -> dict:
    values = {"cohort": "child_in_need", "sex": "female", "ethnicity": "WBRI",
              "disability": "no"}
    return {**values, **changes}


def leaks(text: str) -> list[str]:
    """The canaries that appear in `text`."""
    return [c for c in CANARIES if c in text]


@pytest.fixture
def registrar(world):
    user = make_user("qa_officer", world.a, email="qa.a@example.test")
    db.session.commit()
    return user


@pytest.fixture
def auditor(world):
    """A team manager in agency A who audits cases when assigned to them."""
    assert world.team_a.agency is world.a  # loaded now, so no autoflush while the role is added
    user = make_user("team_manager", world.team_a, email="auditor.a@example.test")
    db.session.commit()
    return user


@pytest.fixture
def canary_case(world):
    case = register_case(world.p1, world.a, identity(), attributes(team_id=world.team_a.id),
                         by=world.coordinator)
    db.session.commit()
    return case
