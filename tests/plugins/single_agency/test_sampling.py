"""Which cases a cycle may draw: open, coded cases of the council not audited lately."""

from __future__ import annotations

from datetime import date

import pytest

from core.extensions import db
from core.timeutil import utcnow
from plugins.single_agency import cycles, sampling
from plugins.single_agency.sampling import Criteria
from tests.plugins.single_agency.conftest import code_case

pytestmark = pytest.mark.plugins("single_agency")
MARCH = date(2026, 3, 2)


def eligible_codes(programme, on=MARCH):
    return {c.code for c in db.session.scalars(sampling.eligible(programme, on))}


def test_closed_and_destroyed_cases_and_other_councils_cases_are_never_drawn(
        programme, cases, world):
    closed, destroyed = cases.a[0], cases.a[1]
    closed.closed_at = destroyed.destroyed_at = utcnow()
    other = code_case(world, world.team_a, world.practitioner_a, 50)
    other.agency_id = world.b.id
    db.session.commit()
    codes = eligible_codes(programme)
    assert closed.code not in codes and destroyed.code not in codes and other.code not in codes
    assert cases.a[2].code in codes


def test_a_case_in_an_open_audit_or_audited_lately_waits(programme, cases, rng, frozen):
    cycle, _ = cycles.draw_monthly(programme, 2026, 3, rng)
    drawn = {a.case.code for a in cycle.audits}
    db.session.commit()
    assert not drawn & eligible_codes(programme)
    assert not drawn & eligible_codes(programme, date(2026, 8, 31))  # 6 months by default
    programme.exclude_recent_months = 1
    assert not drawn & eligible_codes(programme, date(2026, 4, 1))  # still in an open audit
    for audit in cycle.audits:
        audit.state = "accepted"
    db.session.commit()
    assert drawn <= eligible_codes(programme, date(2026, 5, 1))


def test_the_same_seed_draws_the_same_cases_and_each_team_gives_its_share(programme, cases):
    import random

    first = sampling.random_per_team(programme, MARCH, random.Random(3), per_team=2)
    again = sampling.random_per_team(programme, MARCH, random.Random(3), per_team=2)
    assert [c.code for c in first] == [c.code for c in again]
    assert sorted(c.team_id for c in first).count(cases.a[0].team_id) == 2
    assert len(first) == 6


def test_a_themed_sample_keeps_to_its_cohort_and_teams(programme, cases, council, rng):
    chosen = sampling.by_criteria(programme, MARCH, Criteria(
        cohorts=["child_in_care"], team_ids=[council.care.id, council.safe.id]), rng)
    assert {c.code for c in chosen} == {cases.care[2].code, cases.safe[2].code}


def test_a_need_to_know_audit_names_one_case_of_the_council(programme, cases, world, rng,
                                                            council):
    case = cases.safe[0]
    cycle = cycles.create_cycle(programme, "need_to_know", "Serious incident",
                                date(2026, 3, 31), rng, council.qa, case_code=case.code)
    assert [a.case_id for a in cycle.audits] == [case.id]
    other = code_case(world, world.team_a, world.practitioner_a, 51)
    other.agency_id = world.b.id
    db.session.commit()
    with pytest.raises(cycles.CycleInvalid, match="one of the council's cases"):
        cycles.create_cycle(programme, "need_to_know", "Elsewhere", date(2026, 3, 31), rng,
                            council.qa, case_code=other.code)
