"""Destroying a case's identity also removes what its actions said about the child."""

from __future__ import annotations

from core.actions import service
from core.actions.retention import REMOVED
from core.actions.service import ActionSource
from core.cases.retention import destroy
from core.cases.service import register_case
from core.extensions import db
from tests.core.cases.conftest import attributes, identity


def test_the_actions_narrative_goes_with_the_case_and_the_action_stays(make_action, world,
                                                                       line):
    case = register_case(world.p1, world.a, identity(), attributes(), by=world.coordinator)
    kept = make_action(line.practitioner, what="Other case's action")
    action = make_action(line.practitioner, what="See ZZCHILD at home", why="Not seen",
                         source=ActionSource("core", "AUD-1", case))
    service.add_progress(action, line.practitioner, "Visited ZZCHILD on Monday")
    service.complete(action, line.practitioner, "ZZCHILD seen")
    service.sign_off(action, line.tm, "met", "Good work with ZZCHILD")
    db.session.commit()
    destroy(case, "run-1")
    db.session.commit()
    db.session.expire_all()
    assert (action.what, action.why, action.completion_summary) == (REMOVED, REMOVED, REMOVED)
    assert [e.text for e in action.entries] == [None] * len(action.entries)
    assert (action.status, action.sign_off_judgement, action.case.code) == (
        "signed_off", "met", case.code)
    assert kept.what == "Other case's action"
