"""Proposing auditors: independence always, expertise preferred, quotas balanced."""

from __future__ import annotations

import random

import pytest

from core.extensions import db
from plugins.single_agency import cycles
from plugins.single_agency.allocation import conflicts, quota_table
from plugins.single_agency.cycles import CycleInvalid
from tests.plugins.single_agency.conftest import code_case
from tests.support import factories as f

pytestmark = pytest.mark.plugins("single_agency")


@pytest.fixture
def drawn(programme, cases, rng):
    cycle, _ = cycles.draw_monthly(programme, 2026, 3, rng)
    db.session.commit()
    return cycle


def audit_in(cycle, team):
    return next(a for a in cycle.audits if a.team_id == team.id)


def test_nobody_audits_their_own_team_their_own_case_or_someone_they_line_manage(
        drawn, council):
    audit = audit_in(drawn, council.team_a)
    assert conflicts(council.tm_a.id, audit) == ["works in the team that holds the case",
                                                 "line-manages the practitioner or the team"]
    assert "is the case's practitioner" in conflicts(council.practitioner_a.id, audit)
    assert conflicts(council.sm.id, audit) == ["line-manages the practitioner or the team"]
    assert conflicts(council.hos.id, audit) == ["line-manages the practitioner or the team"]
    assert conflicts(council.ad.id, audit) == ["line-manages the practitioner or the team"]
    assert conflicts(council.tm_safe.id, audit) == []
    assert conflicts(council.sm2.id, audit) == []


def test_every_proposal_is_independent_whatever_the_draw(programme, cases, council):
    for seed in range(8):
        cycle, _ = cycles.draw_monthly(programme, 2026, 3, random.Random(seed))
        assert all(a.auditor_id and conflicts(a.auditor_id, a) == [] for a in cycle.audits)
        db.session.rollback()


def test_the_qa_team_cannot_choose_an_auditor_who_is_not_independent(drawn, council):
    audit = audit_in(drawn, council.team_a)
    with pytest.raises(CycleInvalid, match="line-manages"):
        cycles.set_auditor(audit, council.sm)
    cycles.set_auditor(audit, council.tm_care)
    assert audit.auditor_id == council.tm_care.id


def test_an_independent_auditor_from_the_same_service_is_preferred(
        programme, world, council, rng):
    second_care = f.make_team(council.agency, "Children in care east")
    second_care.service_area = "children_in_care"
    expert = f.make_user("team_manager", second_care, email="tm.east@example.test")
    expert.memberships[0].line_manager_id = council.sm2.id
    case = code_case(world, council.care, council.sw_care, 90, "child_in_care")
    db.session.commit()
    cycle = cycles.create_cycle(programme, "need_to_know", "Need to know", programme_end(),
                                rng, council.qa, case_code=case.code)
    assert cycle.audits[0].auditor_id == expert.id
    assert cycle.audits[0].allocation_notes == []


def programme_end():
    from datetime import date

    return date(2026, 3, 31)


def test_with_expertise_required_a_case_nobody_independent_knows_waits_for_the_qa_team(
        programme, world, council, rng):
    programme.require_expertise = True
    case = code_case(world, council.care, council.sw_care, 91, "child_in_care")
    db.session.commit()
    cycle = cycles.create_cycle(programme, "need_to_know", "Need to know", programme_end(),
                                rng, council.qa, case_code=case.code)
    audit = cycle.audits[0]
    assert audit.auditor_id is None
    assert "nobody holding an auditor role" in audit.allocation_notes[0]
    with pytest.raises(CycleInvalid, match="Choose an auditor"):
        cycles.send(cycle, council.qa)


def test_whoever_is_furthest_behind_their_yearly_quota_is_proposed_first(
        programme, cases, council, rng):
    earlier, _ = cycles.draw_monthly(programme, 2026, 2, rng)
    for audit in earlier.audits:
        audit.auditor_id = council.tm_a.id if audit.team_id != council.team_a.id \
            else council.tm_safe.id
    db.session.commit()
    march, _ = cycles.draw_monthly(programme, 2026, 3, rng)
    safe = audit_in(march, council.safe)
    assert safe.auditor_id == council.tm_care.id  # TMs owe 10 a year; tm_a already has 2


def test_nobody_gets_more_than_the_cycle_limit(programme, cases, council, rng):
    programme.max_per_auditor = 1
    programme.sample_per_team = 3
    cycle, _ = cycles.draw_monthly(programme, 2026, 3, rng)
    auditors = [a.auditor_id for a in cycle.audits if a.auditor_id]
    assert len(auditors) == len(set(auditors))


def test_the_quota_table_shows_each_auditors_target_and_count(drawn, council):
    rows = {r["user"].id: r for r in quota_table(drawn.programme, drawn)}
    assert rows[council.tm_a.id]["target"] == 10
    assert rows[council.hos.id]["target"] == 6
    assert rows[council.psw.id]["target"] == 6
    assert rows[council.sm.id]["target"] == 0
    assert rows[council.tm_a.id]["expected"] == 10.0  # March closes a year starting in April
    assert sum(r["this_cycle"] for r in rows.values()) == 3
