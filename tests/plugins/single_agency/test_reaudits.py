"""Re-audits: planned after "requires improvement" or "inadequate"; a re-audit no better than
the audit before escalates to SM and HoS, a second one to HoS and AD (Haringey 2.14)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from core.extensions import db
from core.notifications.models import Notification
from plugins.single_agency import cycles, moderation
from plugins.single_agency.models import Escalation, Reaudit
from tests.plugins.single_agency.helpers import complete, send_cycle

pytestmark = pytest.mark.plugins("single_agency")


def audit_of_team_a(programme, council, rng, year, month):
    cycle, _ = cycles.draw_monthly(programme, year, month, rng)
    sent = send_cycle(programme, cycle, council.qa)
    return next(a for a in sent if a.team_id == council.team_a.id)


def reaudit_in(programme, council, rng, year, month, frozen):
    frozen.at(year, month, 1, 9, 0)
    cycle, _ = cycles.draw_monthly(programme, year, month, rng)
    sent = send_cycle(programme, cycle, council.qa)
    return next(a for a in sent if a.kind == "re_audit")


def told(event):
    return set(db.session.scalars(select(Notification.recipient_id).where(
        Notification.event == event)))


def test_requires_improvement_plans_a_re_audit_after_the_set_months(
        programme, cases, council, rng):
    audit = complete(audit_of_team_a(programme, council, rng, 2026, 3), council.qa, rng,
                     "requires_improvement")
    plan = db.session.scalar(select(Reaudit).where(Reaudit.original_id == audit.id))
    assert (plan.round, plan.due_on, plan.state) == (1, date(2026, 6, 1), "planned")


def test_a_good_audit_needs_no_re_audit(programme, cases, council, rng):
    audit = complete(audit_of_team_a(programme, council, rng, 2026, 3), council.qa, rng)
    assert db.session.scalar(select(Reaudit).where(Reaudit.original_id == audit.id)) is None


def test_a_re_audit_joins_the_cycle_it_falls_due_in(programme, cases, council, rng, frozen):
    original = complete(audit_of_team_a(programme, council, rng, 2026, 3), council.qa, rng,
                        "inadequate")
    frozen.at(2026, 5, 1, 9, 0)
    may, _ = cycles.draw_monthly(programme, 2026, 5, rng)
    assert not [a for a in may.audits if a.kind == "re_audit"]
    again = reaudit_in(programme, council, rng, 2026, 6, frozen)
    assert (again.case_id, again.round, again.previous_id) == (original.case_id, 1, original.id)


def test_re_audits_no_better_escalate_to_sm_and_hos_then_to_hos_and_ad(
        programme, cases, council, rng, frozen):
    complete(audit_of_team_a(programme, council, rng, 2026, 3), council.qa, rng,
             "requires_improvement")
    first = complete(reaudit_in(programme, council, rng, 2026, 6, frozen), council.qa, rng,
                     "requires_improvement")
    [level_one] = db.session.scalars(select(Escalation).where(Escalation.audit_id == first.id))
    assert level_one.level == 1 and set(level_one.recipient_ids) == {council.sm.id,
                                                                      council.hos.id}
    assert told("single_agency.reaudit_escalation") == {council.sm.id, council.hos.id}
    second = complete(reaudit_in(programme, council, rng, 2026, 10, frozen), council.qa, rng,
                      "inadequate")  # due in September, a paused month: drawn in October
    [level_two] = db.session.scalars(select(Escalation).where(Escalation.audit_id == second.id))
    assert level_two.level == 2 and set(level_two.recipient_ids) == {council.hos.id,
                                                                      council.ad.id}
    assert db.session.scalar(select(Reaudit).where(Reaudit.original_id == second.id)) is None


def test_a_re_audit_that_improves_is_not_escalated(programme, cases, council, rng, frozen):
    complete(audit_of_team_a(programme, council, rng, 2026, 3), council.qa, rng, "inadequate")
    better = complete(reaudit_in(programme, council, rng, 2026, 6, frozen), council.qa, rng,
                      "requires_improvement")
    assert db.session.scalars(select(Escalation)).all() == []
    plan = db.session.scalar(select(Reaudit).where(Reaudit.original_id == better.id))
    assert plan.round == 2


def test_a_moderation_upgrade_to_good_calls_off_the_re_audit(programme, cases, council, rng):
    programme.moderation_rule = "all"
    audit = complete(audit_of_team_a(programme, council, rng, 2026, 3), council.qa, rng,
                     "requires_improvement")
    form = {f"{c}-grade": "good" for c in "ABCDEFGH"} | {
        f"{c}-grade": "requires_improvement" for c in "JKL"}
    form |= {f"{c}-reason": "Better than the auditor found." for c in "ABCDEFGH"}
    form |= {"overall-grade": "good", "overall-reason": "Practice is good overall.",
             "version": str(audit.moderation.version)}
    moderation.record(audit.moderation, form, council.psw)
    db.session.commit()
    plan = db.session.scalar(select(Reaudit).where(Reaudit.original_id == audit.id))
    assert plan.state == "cancelled"
