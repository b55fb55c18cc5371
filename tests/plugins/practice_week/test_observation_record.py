"""Consent, the observer's record (Hillingdon App. B), written feedback, the practitioner's
reflection and development actions."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from core.actions.models import Action
from core.extensions import db
from core.notifications.models import Notification
from core.workflow.engine import TransitionRefused
from plugins.practice_week import observations
from plugins.practice_week.forms import Invalid
from tests.plugins.practice_week import helpers as h


@pytest.fixture
def visit(pw, frozen):
    """A home visit by the director to Sam Worker on Tuesday 6 October."""
    week = h.make_week(pw, pw.dcs)
    obs = h.observe(pw, week, pw.dcs, pw.sw1, event="home_visit")
    frozen.at(2026, 10, 6, 15, 0)
    return obs


def consent(obs, day: date, by):
    observations.record_consent(obs, {"version": str(obs.version),
                                      **h.date_fields("written_consent_on", day)}, by)
    db.session.commit()


def test_without_written_consent_it_cannot_be_recorded_as_with_the_family(pw, visit):
    form = h.record_form(visit, with_family="yes", verbal_consent="yes")
    with pytest.raises(Invalid) as refused:
        observations.record(visit, form, pw.dcs)
    assert refused.value.errors == {"with_family": (
        "No written consent was recorded before the visit: the observation cannot be "
        "recorded as one with the family")}
    db.session.rollback()
    assert visit.state == "scheduled"


def test_without_verbal_confirmation_on_the_day_it_cannot_be_with_the_family(pw, visit):
    consent(visit, date(2026, 10, 1), pw.sw1)
    form = h.record_form(visit, with_family="yes", verbal_consent="no")
    with pytest.raises(Invalid) as refused:
        observations.record(visit, form, pw.dcs)
    assert set(refused.value.errors) == {"verbal_consent"}


def test_with_written_and_verbal_consent_it_is_recorded_with_the_family(pw, visit):
    consent(visit, date(2026, 10, 1), pw.sw1)
    h.record(visit, pw.dcs, with_family="yes", verbal_consent="yes")
    assert (visit.state, visit.with_family, visit.verbal_consent) == ("feedback_due", True,
                                                                       True)


def test_without_consent_it_can_be_recorded_as_without_the_family(pw, visit):
    h.record(visit, pw.dcs, with_family="no", verbal_consent="no")
    assert (visit.state, visit.with_family) == ("feedback_due", False)


def test_written_consent_after_the_day_is_refused(pw, visit):
    with pytest.raises(Invalid) as refused:
        consent(visit, date(2026, 10, 7), pw.sw1)
    assert "on or before the day" in refused.value.errors["written_consent_on"]


def test_the_consent_page_records_consent(pw, visit, login):
    page = login(pw.sw1).post(f"/practice_week/observations/{visit.id}/consent",
                              data={"version": str(visit.version),
                                    **h.date_fields("written_consent_on", date(2026, 10, 2))})
    assert page.status_code == 302
    assert visit.written_consent_on == date(2026, 10, 2)


def test_a_standard_chosen_needs_a_grade_and_evidence(pw, visit):
    form = h.record_form(visit, with_family="no", verbal_consent="no")
    form.setlist("grade_PCF7", [""])
    form.setlist("evidence_PCF7", [""])
    with pytest.raises(Invalid) as refused:
        observations.record(visit, form, pw.dcs)
    assert refused.value.errors == {
        "grade_PCF7": "Select a grade for Skills and interventions",
        "evidence_PCF7": "Enter feedback and evidence for Skills and interventions"}


def test_the_record_form_shows_errors_next_to_each_field(pw, visit, login):
    page = login(pw.dcs).post(f"/practice_week/observations/{visit.id}/record",
                              data={"version": str(visit.version)})
    assert page.status_code == 400
    for message in ("Enter the situation", "Select at least one standard you observed",
                    "Say whether the family took part in the observed session"):
        assert message in page.text
    assert 'id="situation-error"' in page.text


def test_only_the_observer_writes_the_record(pw, visit, login):
    assert login(pw.hos).get(f"/practice_week/observations/{visit.id}/record").status_code \
        in (403, 404)
    with pytest.raises(TransitionRefused):
        observations.record(visit, h.record_form(visit, with_family="no",
                                                 verbal_consent="no"), pw.hos)


def test_the_full_record_feedback_and_reflection(pw, visit, login):
    h.record(visit, pw.dcs, with_family="no", verbal_consent="no")
    assert visit.feedback == {"PCF6": {"grade": "requires_improvement",
                                       "evidence": "Evidence for PCF6"},
                              "PCF7": {"grade": "good", "evidence": "Evidence for PCF7"}}
    h.share(visit, pw.dcs)
    assert visit.state == "reflection_due"
    told = db.session.scalars(select(Notification).where(
        Notification.event == "practice_week.feedback")).all()
    assert [n.recipient_id for n in told] == [pw.sw1.id]
    client = login(pw.sw1)
    page = client.post(f"/practice_week/observations/{visit.id}/reflect",
                       data={"version": str(visit.version), **h.REFLECTION})
    assert page.status_code == 302
    assert visit.state == "complete"
    assert visit.reflection["how_improve"] == "Use the risk framework"
    shown = client.get(f"/practice_week/observations/{visit.id}").text
    assert "Use the risk framework" in shown and "Skills and interventions" in shown


def test_the_reflection_needs_answers(pw, visit, login):
    h.record(visit, pw.dcs, with_family="no", verbal_consent="no")
    h.share(visit, pw.dcs)
    page = login(pw.sw1).post(f"/practice_week/observations/{visit.id}/reflect",
                              data={"version": str(visit.version)})
    assert page.status_code == 400
    assert "Answer: Did you achieve the aims of the session?" in page.text


def test_only_the_practitioner_reflects(pw, visit, login):
    h.record(visit, pw.dcs, with_family="no", verbal_consent="no")
    h.share(visit, pw.dcs)
    assert login(pw.tm).get(f"/practice_week/observations/{visit.id}/reflect").status_code \
        == 403


def test_a_development_action_is_raised_for_the_practitioner(pw, visit, login):
    h.record(visit, pw.dcs, with_family="no", verbal_consent="no")
    h.share(visit, pw.dcs)
    page = login(pw.dcs).post(f"/practice_week/observations/{visit.id}/actions", data={
        "what": "Complete the risk analysis training", **h.date_fields("due", date(2026, 11, 6))})
    assert page.status_code == 302
    action = db.session.scalar(select(Action))
    assert (action.source_activity, action.source_ref, action.owner_user_id) == (
        "practice_week", visit.reference, pw.sw1.id)


def test_a_colleague_cannot_raise_actions_on_the_observation(pw, visit, login):
    h.record(visit, pw.dcs, with_family="no", verbal_consent="no")
    h.share(visit, pw.dcs)
    page = login(pw.sw2).post(f"/practice_week/observations/{visit.id}/actions", data={
        "what": "Anything", **h.date_fields("due", date(2026, 11, 6))})
    assert page.status_code == 404
