"""The people who must act next are told: the agency's leads and the coordinators when a lead
auditor declares a conflict, the named substitute, every coordinator on a reopen request; and
a daily job chases returns near and past the deadline, telling each person once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.extensions import db
from core.jobs import enqueue
from core.jobs.models import JobRecord
from core.notifications.models import Notification
from core.toolkit import add_working_days
from plugins.multi_agency import group, tracking
from plugins.multi_agency.clock import london_today
from plugins.multi_agency.reminders import (
    DUE_SOON,
    MISSING,
    OVERDUE,
    REVIEW_DUE,
    TRACKING_ENDED,
    send_reminders,
)
from plugins.multi_agency.returns import request_reopen, return_of, save_return
from plugins.multi_agency.tracking import reviews_of
from tests.plugins.multi_agency.conftest import close_plan, complete, start
from tests.support import factories as f


def _told(user, event: str) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(
        Notification.recipient_id == user.id, Notification.event == event)))


def test_a_conflicted_lead_auditor_brings_the_agency_lead_and_coordinator_in(audit, ma):
    head = f.make_user("head_of_service", ma.b, email="hos.b@example.test")
    selected = audit.cases[2]
    group.declare(audit, selected, ma.lead_b, True)
    group.declare(audit, selected, ma.lead_b, True)  # said again: nobody is told twice
    db.session.commit()
    for person in (head, ma.coordinator):
        [note] = _told(person, "multi_agency.conflict_declared")
        assert selected.code in note.subject and "Northbrook Police" in note.body
        assert note.link == f"/multi-agency/{audit.id}/group"
    assert _told(ma.world.hos_a, "multi_agency.conflict_declared") == []  # another agency
    group.declare(audit, audit.cases[3], ma.lead_a, False)
    db.session.commit()
    assert len(_told(ma.coordinator, "multi_agency.conflict_declared")) == 1


def test_the_named_substitute_is_told_to_declare(audit, ma):
    selected = audit.cases[2]
    group.declare(audit, selected, ma.lead_b, True)
    group.name_substitute(audit, selected, ma.b.id, ma.spare_b, ma.coordinator)
    db.session.commit()
    [note] = _told(ma.spare_b, "multi_agency.substitute_named")
    assert selected.code in note.subject and "Declare first" in note.body


def test_a_reopen_request_reaches_every_coordinator_of_the_partnership(audit, ma):
    second = f.make_user("partnership_coordinator", ma.world.p1, email="coord2@example.test")
    start(audit, ma)
    selected = audit.cases[1]
    save_return(audit, selected, ma.b.id, ma.lead_b, complete("police"), submit=True)
    request_reopen(return_of(selected, ma.b.id), ma.lead_b,
                   "The PNC check came back after we submitted.")
    db.session.commit()
    for person in (ma.coordinator, second):
        assert len(_told(person, "multi_agency.reopen_requested")) == 1


def _sent(told: dict[str, int]) -> dict[str, int]:
    return {event: count for event, count in told.items() if count}


def _deadline_in(audit, working_days: int, today):
    audit.submission_deadline = add_working_days(today, working_days)
    db.session.commit()


def test_auditors_are_chased_once_near_the_deadline_and_once_after_it(audit, ma):
    start(audit, ma, conflicts={ma.lead_h.id: (audit.cases[0].code,)})
    for selected in audit.cases:
        save_return(audit, selected, ma.a.id, ma.lead_a, complete("childrens_services"),
                    submit=True)
    db.session.commit()
    today = audit.opened_at.date()
    _deadline_in(audit, 5, today)
    assert _sent(send_reminders(today)) == {}  # not near yet

    near = add_working_days(today, 2)  # 3 working days before the deadline
    assert send_reminders(near)[DUE_SOON] == 2  # police and health; council submitted all
    assert send_reminders(near)[DUE_SOON] == 0  # the same day again: nobody twice
    [police] = _told(ma.lead_b, DUE_SOON)
    assert f"{len(audit.cases)} return(s) due by" in police.subject
    [health] = _told(ma.lead_h, DUE_SOON)
    assert audit.cases[0].code not in health.body  # conflicted there: owes nothing on it
    assert f"{len(audit.cases) - 1} return(s)" in health.subject
    assert _told(ma.lead_a, DUE_SOON) == []

    after = add_working_days(audit.submission_deadline, 1)
    assert _sent(send_reminders(after)) == {OVERDUE: 2, MISSING: 1}
    assert _sent(send_reminders(after)) == {}
    [missing] = _told(ma.coordinator, MISSING)
    assert "Northbrook Police: 8" in missing.body and "Northbrook Health: 7" in missing.body
    assert "Northbrook Council" not in missing.body


def test_the_daily_job_is_registered_and_runs(app, audit, ma):
    start(audit, ma)
    audit.submission_deadline = add_working_days(audit.opened_at.date(), -1)
    db.session.commit()
    assert "multi_agency.reminders" in app.extensions["job_types"]
    job = enqueue("multi_agency.reminders")
    db.session.commit()  # no Redis: it runs in the process after the commit
    db.session.expire_all()
    record = db.session.get(JobRecord, job.id)
    assert record.status == "finished"
    assert len(_told(ma.lead_b, OVERDUE)) == 1 and len(_told(ma.coordinator, MISSING)) == 1


def test_the_sub_committee_is_told_when_a_review_is_due_and_when_tracking_ends(reported, ma,
                                                                               login):
    today = london_today()
    tracking.add_review(reported, today, "amber", "Referrals improving.",
                        add_working_days(today, 20), today, ma.coordinator)
    db.session.commit()
    due = reviews_of(reported)[-1].next_review_on
    assert _sent(send_reminders(due - timedelta(days=1))) == {}
    assert _sent(send_reminders(due)) == {REVIEW_DUE: 2}  # the board member and coordinator
    assert _sent(send_reminders(due + timedelta(days=3))) == {}  # told once
    [note] = _told(ma.board, REVIEW_DUE)
    assert "action plan review due" in note.subject
    assert note.link.startswith(f"/multi-agency/{reported.id}/actions")
    assert login(ma.board).get(note.link).status_code == 200

    ended = tracking.tracking_until(reported) + timedelta(days=1)
    assert _sent(send_reminders(ended)) == {TRACKING_ENDED: 2}
    assert _sent(send_reminders(ended)) == {}
    close_plan(reported)
    assert _sent(send_reminders(ended + timedelta(days=30))) == {}  # closed: nothing to chase
