"""Feedback inside the single-agency audit of the same case (through hooks, no imports), the
audit's family call counted as feedback, and each plugin working without the other."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from core.extensions import db
from plugins.feedback.models import FeedbackResponse
from plugins.single_agency import audits
from plugins.single_agency import cycles as cycle_service
from tests.plugins.feedback.conftest import public_url
from tests.plugins.single_agency import conftest as single_agency
from tests.plugins.single_agency.helpers import date_parts, send_cycle
from tests.support.factories import login_as

BOTH = ("single_agency", "feedback")
AUDIT_DAY = date(2026, 3, 2)

# The single-agency fixtures (a council, its cases, a programme, its frozen clock) for this module
cases, council, frozen = single_agency.cases, single_agency.council, single_agency.frozen
programme, rng = single_agency.programme, single_agency.rng


@pytest.fixture
def audit(programme, cases, council, rng):
    cycle, _ = cycle_service.draw_monthly(programme, 2026, 3, rng)
    sent = send_cycle(programme, cycle, council.qa)
    return next(a for a in sent if a.team_id == council.team_a.id)


def audit_page(app, audit) -> str:
    client = app.test_client()
    login_as(client, audit.auditor)
    page = client.get(f"/single_agency/audits/{audit.id}")
    assert page.status_code == 200
    return page.text


@pytest.mark.plugins(*BOTH)
def test_the_childs_feedback_shows_in_the_audit_of_the_same_case(app, client, make_link,
                                                                  audit, council):
    _, token = make_link("child_8_to_12", "social_worker", case=audit.case, by=council.tm_a)
    client.post(public_url(token), data={"q_W1": "Happy",
                                         "q_T1": "My worker came to my <b>school</b> play"})
    page = audit_page(app, audit)
    assert 'data-panel="feedback.case"' in page
    assert "Child and family feedback" in page
    assert "My worker came to my &lt;b&gt;school&lt;/b&gt; play" in page
    assert "Online form (Child aged 8 to 12, about my social worker): 10 out of 10" in page


@pytest.mark.plugins(*BOTH)
def test_the_audits_call_to_the_family_is_counted_as_feedback(app, audit):
    audits.add_contact(audit, {"contact_with": "parent_carer", "outcome": "declined",
                               "by_whom": "Auditor", **date_parts("contacted", AUDIT_DAY),
                               "summary": ""}, audit.auditor)
    db.session.commit()
    [call] = db.session.scalars(select(FeedbackResponse)).all()
    assert (call.channel, call.activity, call.outcome, call.case_id) == (
        "audit_call", "single_agency", "declined", audit.case_id)
    assert "Call during an audit with parent or carer: they declined" in audit_page(app, audit)


@pytest.mark.plugins("single_agency")
def test_the_audit_works_with_the_feedback_plugin_switched_off(app, audit):
    audits.add_contact(audit, {"contact_with": "child", "outcome": "spoke",
                               "by_whom": "Auditor", **date_parts("contacted", AUDIT_DAY),
                               "summary": "Said school is better"}, audit.auditor)
    db.session.commit()
    page = audit_page(app, audit)
    assert 'data-panel="feedback.case"' not in page
    assert db.session.scalar(select(FeedbackResponse.id)) is None


@pytest.mark.plugins("feedback")
def test_feedback_works_with_the_single_agency_plugin_switched_off(app, client, make_link,
                                                                    world, login):
    from core.cases.service import register_case

    case = register_case(world.p1, world.a, {"name": "ZZCANARY", "date_of_birth": "2012-01-01",
                                             "record_id": "ZZREF-9"},
                         {"cohort": "child_in_care", "team_id": world.team_a.id},
                         None)
    db.session.commit()
    _, token = make_link("child_13_plus", "any_time", case=case)
    assert client.post(public_url(token), data={"q_W1": "Good"}).status_code == 200
    assert login(world.tm_a).get(f"/feedback/cases/{case.code}").status_code == 200
