"""The workflow hooks, through the example plugin."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.extensions import db
from core.workflow.engine import fire
from core.workflow.sweep import run_sla_sweep
from tests.fixtures.plugins.example import workflow as example_workflow

pytestmark = pytest.mark.plugins("example")


def test_hook_qa_register_workflows_registers_the_example_review(app):
    registered = app.extensions["workflows"]["example.review"]
    assert registered.owner == "example"
    assert [s.key for s in registered.definition.states] == [
        "draft", "submitted", "qa_check", "returned", "accepted"]


@pytest.mark.plugins()
def test_a_disabled_plugin_contributes_no_workflow(app):
    assert "example.review" not in app.extensions["workflows"]


def test_hook_qa_on_transition_sees_the_new_state_inside_the_transaction(app, review, line):
    seen = []

    class Watcher:
        @staticmethod
        def qa_on_transition(instance, transition, user):
            seen.append((instance.state, [e.transition for e in instance.log], user.id))

    from core.toolkit import hookimpl

    Watcher.qa_on_transition = hookimpl(Watcher.qa_on_transition)
    app.extensions["plugins"].pm.register(Watcher, name="watcher")
    fire(review, "submit", line.tm)
    assert seen == [("submitted", ["start", "submit"], line.tm.id)]
    db.session.rollback()
    assert review.state == "draft"


def test_hook_qa_on_sla_reminder_is_told_who_was_reminded(review, line):
    fire(review, "submit", line.tm)
    fire(review, "start_qa", line.qa)
    db.session.commit()
    run_sla_sweep(datetime(2026, 3, 3, 21, 0, tzinfo=UTC))
    assert ("reminder", "qa_check", [line.qa.id]) in example_workflow.EVENTS


def test_hook_qa_on_sla_breached_is_told_the_level_and_who_it_went_to(review, line):
    fire(review, "submit", line.tm)
    fire(review, "start_qa", line.qa)
    db.session.commit()
    run_sla_sweep(datetime(2026, 3, 4, 1, 0, tzinfo=UTC))
    assert example_workflow.EVENTS[-2:] == [("breached", "qa_check", 0, []),
                                           ("breached", "qa_check", 1, [line.sm.id])]
