"""Who attended the consultation meeting is recorded with it; after submitting, the agency's
auditor records when they gave the practitioner feedback on the audit (Hillingdon App. E)."""

from __future__ import annotations

from datetime import timedelta

from core.extensions import db
from plugins.multi_agency.clock import london_today
from plugins.multi_agency.returns import return_of, save_return
from tests.plugins.multi_agency.conftest import bearer, complete, start

TODAY = london_today()


def _day(prefix: str, day) -> dict[str, str]:
    return {f"{prefix}-day": str(day.day), f"{prefix}-month": str(day.month),
            f"{prefix}-year": str(day.year)}


def test_the_meeting_is_recorded_with_who_attended(audit, ma, login):
    start(audit, ma)
    client = login(ma.coordinator)
    url = f"/multi-agency/{audit.id}/consultation"
    form = client.get(url).text
    assert 'name="attendees"' in form and "A member of the Reviewing Team" in form
    bad = client.post(url, data={**_day("held_on", TODAY), "version": audit.version,
                                 "attendees": ["agency_partners", "the_press"]})
    assert bad.status_code == 400 and 'href="#attendees"' in bad.text
    db.session.refresh(audit)
    assert audit.status == "open" and audit.consultation_attendees is None
    done = client.post(url, data={**_day("held_on", TODAY), "version": audit.version,
                                  "attendees": ["social_workers", "agency_partners"]})
    assert done.status_code == 303
    db.session.refresh(audit)
    assert audit.consultation_attendees == ["agency_partners", "social_workers"]
    page = client.get(url).text
    assert "Attended by:" in page and "The children&#39;s social workers" in page
    assert "Their team managers" not in page


def _submitted(audit, ma):
    start(audit, ma)
    selected = audit.cases[1]
    save_return(audit, selected, ma.b.id, ma.lead_b, complete("police"), submit=True)
    db.session.commit()
    return selected


def test_the_auditor_records_feedback_to_the_practitioner(audit, ma, login, tokens):
    selected = _submitted(audit, ma)
    url = f"/multi-agency/{audit.id}/cases/{selected.code}/returns/{ma.b.id}"
    client = login(ma.lead_b)
    assert "Feedback to the practitioner" in client.get(url).text
    future = client.post(f"{url}/practitioner-feedback",
                         data=_day("feedback_on", TODAY + timedelta(days=2)))
    assert future.status_code == 400 and 'href="#feedback_on"' in future.text
    assert return_of(selected, ma.b.id).practitioner_feedback_on is None
    done = client.post(f"{url}/practitioner-feedback", data=_day("feedback_on", TODAY))
    assert done.status_code == 303
    db.session.expire_all()
    assert return_of(selected, ma.b.id).practitioner_feedback_on == TODAY
    assert f"Given on {TODAY.day} {TODAY:%B %Y}" in login(ma.coordinator).get(url).text
    api = client.get(f"/api/v1/multi-agency/audits/{audit.reference}/cases/{selected.code}"
                     f"/return", headers=bearer(tokens.lead_b)).get_json()
    assert api["practitioner_feedback_on"] == TODAY.isoformat()


def test_only_the_auditor_after_submission_may_record_it(audit, ma, login):
    selected = _submitted(audit, ma)
    base = f"/multi-agency/{audit.id}/cases/{selected.code}/returns"
    data = _day("feedback_on", TODAY)
    assert login(ma.lead_a).post(f"{base}/{ma.b.id}/practitioner-feedback",
                                 data=data).status_code == 403
    assert login(ma.coordinator).post(f"{base}/{ma.b.id}/practitioner-feedback",
                                      data=data).status_code == 403
    save_return(audit, selected, ma.a.id, ma.lead_a, complete("childrens_services"),
                submit=False)
    db.session.commit()
    draft = login(ma.lead_a).post(f"{base}/{ma.a.id}/practitioner-feedback", data=data)
    assert draft.status_code == 409 and "Submit the return first" in draft.text
    db.session.expire_all()
    assert return_of(selected, ma.b.id).practitioner_feedback_on is None
    assert return_of(selected, ma.a.id).practitioner_feedback_on is None
