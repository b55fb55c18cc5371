"""Firing transitions: who may, guards, logging, clocks and concurrent fires."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from flask import current_app
from sqlalchemy import select

from core.extensions import db
from core.identity.models import User
from core.workflow.engine import (
    TransitionRefused,
    allowed_transitions,
    fire,
    instances_for,
    start_workflow,
)
from core.workflow.models import SlaClock, TransitionLog, WorkflowInstance
from core.workflow.registry import WorkflowNotFound
from tests.fixtures.plugins.example import workflow as example_workflow
from tests.fixtures.plugins.example.views import Note
from tests.support.factories import add_role

pytestmark = pytest.mark.plugins("example")


def reload(instance: WorkflowInstance) -> WorkflowInstance:
    db.session.expire_all()
    return db.session.get(WorkflowInstance, instance.id)


def to_qa_check(review, line):
    fire(review, "submit", line.tm)
    fire(review, "start_qa", line.qa)
    db.session.commit()
    return review


def test_starting_a_workflow_opens_it_in_the_initial_state_and_logs_who(review, line, frozen):
    assert review.state == "draft"
    assert [(e.transition, e.from_state, e.to_state, e.user_id, e.at) for e in review.log] == [
        ("start", None, "draft", line.tm.id, frozen.now)]
    assert instances_for("example.note", review.subject_id) == [review]


def test_a_workflow_no_enabled_plugin_defines_cannot_be_started(world):
    with pytest.raises(WorkflowNotFound, match=r"example\.missing"):
        start_workflow("example.missing", "example.note", 1, world.p1.id, world.a.id)


def test_every_transition_is_logged_with_who_and_when(review, line, frozen):
    frozen.at(2026, 3, 2, 11, 0)
    fire(review, "submit", line.tm, note="Ready for checking")
    frozen.at(2026, 3, 3, 9, 30)
    fire(review, "start_qa", line.qa)
    frozen.at(2026, 3, 3, 14, 15)
    fire(review, "accept", line.qa)
    db.session.commit()
    log = db.session.scalars(select(TransitionLog).where(TransitionLog.instance_id == review.id)
                             .order_by(TransitionLog.id)).all()
    assert [(e.transition, e.from_state, e.to_state, e.user_id) for e in log] == [
        ("start", None, "draft", line.tm.id),
        ("submit", "draft", "submitted", line.tm.id),
        ("start_qa", "submitted", "qa_check", line.qa.id),
        ("accept", "qa_check", "accepted", line.qa.id),
    ]
    assert [e.at for e in log[1:]] == [datetime(2026, 3, 2, 11, 0, tzinfo=UTC),
                                       datetime(2026, 3, 3, 9, 30, tzinfo=UTC),
                                       datetime(2026, 3, 3, 14, 15, tzinfo=UTC)]
    assert log[1].note == "Ready for checking"
    assert reload(review).state == "accepted"


def test_a_transition_by_the_wrong_role_is_refused_with_a_clear_reason_and_changes_nothing(
        review, line):
    fire(review, "submit", line.tm)
    db.session.commit()
    with pytest.raises(TransitionRefused, match=r"Only the QA team can start a QA check\.") as info:
        fire(review, "start_qa", line.tm)
    assert info.value.kind == "permission"
    db.session.commit()  # whatever was pending would now be saved: there must be nothing
    review = reload(review)
    assert review.state == "submitted"
    assert [e.transition for e in review.log] == ["start", "submit"]
    assert review.clocks == []


def test_without_its_own_refusal_text_the_message_names_the_permission_needed(review, line):
    with pytest.raises(TransitionRefused) as info:
        fire(review, "submit", line.practitioner)
    assert info.value.reason == ("You do not have permission to submit the review here: it "
                                 "needs “Write example notes” for this agency.")
    assert reload(review).state == "draft"


def test_the_right_role_in_another_partnership_is_refused(review, world, line):
    fire(review, "submit", line.tm)
    with pytest.raises(TransitionRefused, match="Only the QA team"):
        fire(review, "start_qa", line.qa_other)


def test_a_guard_refusal_names_its_reason(review, line, note):
    note.case_id = None
    db.session.commit()
    with pytest.raises(TransitionRefused) as info:
        fire(review, "submit", line.tm)
    assert info.value.reason == "Link the note to a case before submitting the review."
    assert info.value.kind == "guard"
    assert reload(review).state == "draft"


def test_a_guard_can_keep_the_qa_check_independent_of_the_submitter(review, line):
    add_role(line.tm, "qa_officer", line.tm.memberships[0].agency)
    fire(review, "submit", line.tm)
    fire(review, "start_qa", line.tm)
    with pytest.raises(TransitionRefused, match="a review you submitted yourself"):
        fire(review, "accept", line.tm)
    fire(review, "accept", line.qa)
    assert review.state == "accepted"


def test_a_transition_from_the_wrong_state_is_refused(review, line):
    with pytest.raises(TransitionRefused) as info:
        fire(review, "accept", line.qa)
    assert info.value.reason == "You cannot accept the review now: it is draft."
    assert info.value.kind == "state"


def test_effects_run_inside_the_transaction(review, line, note):
    to_qa_check(review, line)
    fire(review, "accept", line.qa)
    db.session.rollback()
    assert reload(review).state == "qa_check"
    assert db.session.scalars(select(Note.text)).all() == [note.text]
    fire(reload(review), "accept", line.qa)
    db.session.commit()
    assert f"Review EX-{note.id:05d} accepted" in db.session.scalars(select(Note.text)).all()


def test_the_transition_event_is_fired_after_the_move(review, line):
    fire(review, "submit", line.tm)
    expected = [("transition", review.subject_id, "submit", line.tm.id)]
    assert list(example_workflow.EVENTS) == expected


def test_allowed_transitions_lists_what_the_user_may_do_now(review, line):
    fire(review, "submit", line.tm)
    fire(review, "start_qa", line.qa)
    assert [t.key for t in allowed_transitions(review, line.qa)] == ["accept", "return"]
    assert allowed_transitions(review, line.tm) == []


def test_entering_a_state_starts_its_clock_and_leaving_stops_it(review, line, frozen):
    to_qa_check(review, line)
    [clock] = review.clocks
    assert (clock.rule, clock.state, clock.started_at) == ("qa_check", "qa_check", frozen.now)
    assert clock.due_at == datetime(2026, 3, 3, 23, 59, 59, tzinfo=UTC)  # 1 working day
    assert clock.remind_at == datetime(2026, 3, 3, 19, 59, 59, tzinfo=UTC)  # 4 hours before
    frozen.at(2026, 3, 3, 16, 0)
    fire(review, "return", line.qa)
    db.session.commit()
    qa, amendment = reload(review).clocks
    assert (qa.stopped_at, qa.breached) == (frozen.now, False)
    assert (amendment.rule, amendment.stopped_at) == ("amendment", None)
    assert amendment.due_at == datetime(2026, 3, 6, 23, 59, 59, tzinfo=UTC)  # 3 working days


def test_a_clock_stopped_after_its_deadline_is_marked_breached(review, line, frozen):
    to_qa_check(review, line)
    frozen.at(2026, 3, 4, 9, 0)
    fire(review, "accept", line.qa)
    db.session.commit()
    [clock] = reload(review).clocks
    assert clock.breached and clock.stopped_at == frozen.now


def test_a_stale_copy_cannot_fire_after_someone_else_did(app, review, line):
    fire(review, "submit", line.tm)
    db.session.commit()
    with db.Session(db.engine) as other:  # a second person, their own session
        theirs = other.get(WorkflowInstance, review.id)
        theirs.state = "qa_check"
        other.commit()
    with pytest.raises(TransitionRefused) as info:
        fire(review, "start_qa", line.qa)  # our copy still says "submitted"
    assert info.value.kind == "conflict"
    assert "nothing was saved" in info.value.reason
    review = reload(review)
    assert review.state == "qa_check"
    assert [e.transition for e in review.log] == ["start", "submit"]


class Person(threading.Thread):
    """Someone working in their own app context (so their own database session)."""

    def __init__(self, app, instance_id: int, user_id: int) -> None:
        super().__init__(daemon=True)
        self.app, self.instance_id, self.user_id = app, instance_id, user_id
        self.loaded, self.go, self.fired, self.commit = (threading.Event() for _ in range(4))
        self.outcome: str | None = None

    def run(self) -> None:
        with self.app.app_context():
            try:
                instance = db.session.get(WorkflowInstance, self.instance_id)
                user = db.session.get(User, self.user_id)
                assert user.memberships and instance.state == "submitted"
                self.loaded.set()
                self.go.wait(timeout=60)
                fire(instance, "start_qa", user)
                self.fired.set()
                self.commit.wait(timeout=60)
                db.session.commit()
                self.outcome = "applied"
            except TransitionRefused as refused:
                self.outcome = refused.kind
            except Exception as exc:
                self.outcome = repr(exc)
            finally:
                self.fired.set()
                db.session.remove()


def two_people(review, line) -> tuple[Person, Person]:
    fire(review, "submit", line.tm)
    db.session.commit()
    app = current_app._get_current_object()
    people = Person(app, review.id, line.qa.id), Person(app, review.id, line.qa.id)
    for person in people:
        person.start()
        assert person.loaded.wait(timeout=60)
    return people


def exactly_one_applied(review) -> None:
    review = reload(review)
    assert review.state == "qa_check"
    assert [e.transition for e in review.log] == ["start", "submit", "start_qa"]
    assert db.session.scalars(select(SlaClock.rule)).all() == ["qa_check"]


def test_two_people_firing_the_same_transition_from_the_same_page_apply_it_once(review, line):
    first, second = two_people(review, line)  # both have loaded "submitted"
    first.go.set()
    first.commit.set()
    first.join(timeout=60)
    second.go.set()
    second.commit.set()
    second.join(timeout=60)
    assert (first.outcome, second.outcome) == ("applied", "conflict")
    exactly_one_applied(review)


def test_a_fire_that_overlaps_another_waits_for_it_and_is_refused(review, line):
    if db.engine.dialect.name == "sqlite":
        pytest.skip("SQLite locks the whole file, so writes cannot overlap; PostgreSQL only")
    first, second = two_people(review, line)
    first.go.set()
    assert first.fired.wait(timeout=60)  # first holds the row, not yet committed
    second.go.set()
    assert not second.fired.wait(timeout=1)  # second's UPDATE waits on the row lock
    first.commit.set()
    second.commit.set()
    first.join(timeout=60)
    second.join(timeout=60)
    assert (first.outcome, second.outcome) == ("applied", "conflict")
    exactly_one_applied(review)
