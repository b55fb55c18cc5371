"""Report data for tests: graded audits, allocations and actions placed in partnership P1."""

from __future__ import annotations

from datetime import UTC, date, datetime
from itertools import count
from unittest.mock import patch

from core.actions.models import Action
from core.cases.models import CaseAssignment
from core.extensions import db
from core.tools.history import record_grade
from core.tools.models import GradeRecord

QUARTER = (date(2025, 4, 1), date(2025, 6, 30))
IN_QUARTER = datetime(2025, 5, 12, 10, 0, tzinfo=UTC)
BEFORE = datetime(2025, 3, 3, 10, 0, tzinfo=UTC)
_refs = count(1)
CANARY = {"name": "ZZCANARY-NAME", "date_of_birth": "2011-01-01", "record_id": "ZZREF-0001"}


def make_case(world, agency=None, team=None, identity=None):
    """A coded case of P1 (any identity, unless one is given)."""
    from core.cases.attributes import COHORTS
    from core.cases.service import register_case

    identity = identity or {"name": "Test Child", "date_of_birth": "2012-02-02",
                            "record_id": f"REF-{next(_refs)}"}
    case = register_case(world.p1, agency or world.a, dict(identity),
                         {"cohort": next(iter(COHORTS))}, None)
    case.team_id = team.id if team is not None else None
    db.session.flush()
    return case


def canary_case(world, agency=None, team=None):
    """A coded case carrying the canary identity (one per partnership)."""
    return make_case(world, agency, team, CANARY)


def add_grade(where, subject: int, stage: str, grade: str, domain: str | None = None,
              at: datetime = IN_QUARTER) -> GradeRecord:
    """A grade recorded through `record_grade` at the moment `at`, placed where `where` is."""
    with patch("core.tools.history.utcnow", return_value=at):
        return record_grade("example.audit", subject, stage, grade, domain_code=domain,
                            belongs_to=where)


def allocate(case, user, opened: datetime = IN_QUARTER, closed: datetime | None = None):
    row = CaseAssignment(case_id=case.id, user_id=user.id, activity="example",
                         reference="EX-1", opened_at=opened, closed_at=closed)
    db.session.add(row)
    db.session.flush()
    return row


def add_action(world, *, agency=None, created=IN_QUARTER, due=date(2025, 5, 30),
               status="open", completed=None, signed_off=None, case=None,
               what="Improve supervision records") -> Action:
    action = Action(partnership_id=world.p1.id, what=what, why="Found in audit",
                    owner_agency_id=(agency or world.a).id, due_date=due, status=status,
                    created_at=created, completed_at=completed, signed_off_at=signed_off,
                    case_id=case.id if case is not None else None)
    db.session.add(action)
    db.session.flush()
    return action
