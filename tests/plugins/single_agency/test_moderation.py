"""Moderation: the council's sampling rule, and the moderator's confirm / upgrade / downgrade."""

from __future__ import annotations

import math
import random

import pytest
from sqlalchemy import select

from core.extensions import db
from core.tools.models import GradeRecord
from plugins.single_agency import cycles, moderation, qa
from plugins.single_agency.history import stage_grades
from plugins.single_agency.moderation import ModerationInvalid
from tests.plugins.single_agency.helpers import carry_out, send_cycle, submit

pytestmark = pytest.mark.plugins("single_agency")


@pytest.fixture
def nine(programme, cases, rng):
    """Nine audits in one cycle, as if each had just been accepted in turn."""
    programme.sample_per_team = 3
    cycle, _ = cycles.draw_monthly(programme, 2026, 3, rng)
    db.session.commit()
    return programme, cycle.audits


def accept_each(programme, audits, grades, seed):
    rng = random.Random(seed)
    chosen, shares = [], []
    for n, (audit, grade) in enumerate(zip(audits, grades, strict=True), start=1):
        audit.state, audit.final_grade = "accepted", grade
        db.session.flush()
        if moderation.consider(audit, programme, rng):
            chosen.append(audit)
        shares.append((n, len(chosen)))
    return chosen, shares


@pytest.mark.parametrize("seed", range(5))
def test_half_of_the_accepted_audits_are_moderated_at_every_point_of_the_month(nine, seed):
    programme, audits = nine
    chosen, shares = accept_each(programme, audits, ["good"] * 9, seed)
    assert all(math.floor(n / 2) <= k <= math.ceil(n / 2) for n, k in shares)
    assert len(chosen) in (4, 5)


def test_with_the_all_rule_every_audit_is_moderated(nine):
    programme, audits = nine
    programme.moderation_rule = "all"
    chosen, _ = accept_each(programme, audits, ["requires_improvement"] * 9, 1)
    assert len(chosen) == 9


@pytest.mark.parametrize("seed", range(5))
def test_a_third_plus_every_good_or_better_audit(nine, seed):
    programme, audits = nine
    programme.moderation_rule = "third_plus_good"
    grades = ["good", "requires_improvement", "inadequate"] * 3
    chosen, shares = accept_each(programme, audits, grades, seed)
    assert {a.id for a in audits if a.final_grade == "good"} <= {a.id for a in chosen}
    assert all(k >= math.floor(n / 3) for n, k in shares)
    assert all(m.selected_because in ("good_or_better", "sample")
               for m in (a.moderation for a in chosen))


@pytest.fixture
def accepted(programme, cases, council, rng):
    """The team A audit, graded good throughout and accepted, chosen for moderation."""
    programme.moderation_rule = "all"
    cycle, _ = cycles.draw_monthly(programme, 2026, 3, rng)
    audit = next(a for a in send_cycle(programme, cycle, council.qa)
                 if a.team_id == council.team_a.id)
    carry_out(audit)
    submit(audit)
    qa.accept(audit, council.qa, rng)
    db.session.commit()
    return audit


def moderated_form(audit, **changes):
    before, overall = stage_grades(audit, ("after_conversation",))
    form = {f"{code}-grade": grade for code, grade in before.items()}
    form |= {"overall-grade": overall, "version": str(audit.moderation.version)}
    return form | changes


def test_the_moderator_downgrades_with_reasons_and_the_moderated_grade_stands(accepted, council):
    moderation.assign(accepted.moderation, council.psw)
    form = moderated_form(accepted, **{
        "C-grade": "requires_improvement", "C-reason": "Plans lack timescales and owners.",
        "overall-grade": "requires_improvement",
        "overall-reason": "Planning drives the overall judgement."})
    moderation.record(accepted.moderation, form, council.psw)
    db.session.commit()
    outcomes = accepted.moderation.outcomes
    assert outcomes["C"]["outcome"] == "downgraded" and outcomes["A"]["outcome"] == "confirmed"
    assert accepted.moderation.overall["outcome"] == "downgraded"
    assert (accepted.final_grade, accepted.final_stage) == ("requires_improvement", "moderation")
    stages = db.session.scalars(select(GradeRecord.stage).where(
        GradeRecord.subject_id == str(accepted.id), GradeRecord.domain_code.is_(None))
        .order_by(GradeRecord.id)).all()
    assert stages == ["file_review", "after_conversation", "moderation"]


def test_a_changed_grade_needs_a_reason(accepted, council):
    form = moderated_form(accepted, **{"C-grade": "outstanding"})
    with pytest.raises(ModerationInvalid) as refused:
        moderation.record(accepted.moderation, form, council.psw)
    assert set(refused.value.errors) == {"C-reason"}


def test_the_moderator_is_held_to_the_limiting_judgement(accepted, council):
    form = moderated_form(accepted, **{"D-grade": "inadequate",
                                       "D-reason": "No plan at all for six weeks."})
    with pytest.raises(ModerationInvalid) as refused:
        moderation.record(accepted.moderation, form, council.psw)
    assert "overall-reason" in refused.value.errors


def test_the_auditor_and_their_line_do_not_moderate(accepted, council):
    auditor = accepted.auditor
    with pytest.raises(ModerationInvalid, match="auditor cannot"):
        moderation.assign(accepted.moderation, auditor)
    with pytest.raises(ModerationInvalid, match="not independent"):
        moderation.assign(accepted.moderation, council.sm)


def test_an_upgrade_is_recorded_as_an_upgrade(accepted, council):
    form = moderated_form(accepted, **{"A-grade": "outstanding",
                                       "A-reason": "Exceptional recording throughout."})
    moderation.record(accepted.moderation, form, council.psw)
    assert accepted.moderation.outcomes["A"]["outcome"] == "upgraded"
    assert accepted.moderation.overall["outcome"] == "confirmed"
