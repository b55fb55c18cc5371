"""The multi-agency audit's calls to the child and family reach feedback through core's hook
(no import either way): counted once per contact, corrected in place, shown with the case."""

from __future__ import annotations

from sqlalchemy import select

from core.extensions import db
from plugins.feedback.models import FeedbackResponse
from plugins.multi_agency.clock import london_today
from plugins.multi_agency.voice import record_voice
from tests.plugins.multi_agency import conftest as multi_agency

# The multi-agency fixtures (its agencies, leads, coded cases and a planned audit)
ma, audit = multi_agency.ma, multi_agency.audit


def test_the_audits_family_contacts_are_kept_as_feedback_once_each(app, audit, ma, login):
    multi_agency.start(audit, ma)
    selected, today = audit.cases[2], london_today()
    record_voice(audit, selected, "parent", "declined", today, None, today, ma.coordinator)
    db.session.commit()
    record_voice(audit, selected, "parent", "spoke", today, "Mum felt <b>listened</b> to.",
                 today, ma.coordinator)  # corrected: the same contact, not a second one
    record_voice(audit, selected, "child", "no_contact", today, None, today, ma.coordinator)
    db.session.commit()

    calls = db.session.scalars(select(FeedbackResponse)
                               .order_by(FeedbackResponse.with_whom)).all()
    assert [(c.channel, c.activity, c.with_whom, c.outcome, c.case_id) for c in calls] == [
        ("audit_call", "multi_agency", "child", "no_contact", selected.case.id),
        ("audit_call", "multi_agency", "parent_carer", "spoke", selected.case.id)]
    assert calls[1].summary == "Mum felt <b>listened</b> to." and calls[1].occasion == "audit"
    coordinator = login(ma.coordinator)
    page = coordinator.get(f"/feedback/cases/{selected.code}")
    assert page.status_code == 200 and page.text.count("Call during an audit") == 2
    words = coordinator.get(f"/feedback/responses/{calls[1].id}")
    assert "Mum felt &lt;b&gt;listened&lt;/b&gt; to." in words.text
