"""Grading a LADO audit with the tool (per domain and overall, with the limiting judgement),
and raising an action to an agency (a school's HR process) through core's action tracker."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.actions.models import Action
from core.extensions import db
from core.tools.models import GradeRecord
from plugins.lado import audits
from plugins.lado.audits import TOOL_KEY

pytestmark = pytest.mark.plugins("lado")


@pytest.fixture
def audit(world, people, referral):
    made = audits.start_ad_hoc(referral, people.qa.id, "Complaint about the handling",
                               world.coordinator)
    db.session.commit()
    return made


def graded_form(audit, **changes) -> dict:
    tool = audits.tool_of(audit)
    form = {"version": str(audit.version)}
    for _domain, question in tool.questions():
        form[f"q_{question.code}"] = {"grade": "good", "score_0_10": "7",
                                      "yes_no_partly": "yes"}.get(question.type, "")
    form.update({f"d_{d.code}": "good" for d in tool.domains})
    form["learning"] = "Schools need reminding to consult the LADO before investigating."
    form.update(changes)
    return form


def test_the_tool_is_registered_from_the_plugins_yaml(app):
    tool = audits.get_tool(TOOL_KEY)
    codes = [d.code for d in tool.domains]
    assert codes == ["ROUTE", "FORM", "STRAT", "THRESH", "HR", "TIME", "S47", "SAFE", "DBS",
                     "RESP"]
    assert tool.overall_rule == "limiting_judgement"


def test_an_inadequate_domain_limits_the_overall_grade(login, people, audit):
    client = login(people.qa)
    page = client.post(f"/lado/audits/{audit.reference}",
                       data=graded_form(audit, d_HR="inadequate", overall="good"))
    assert page.status_code == 302
    db.session.refresh(audit)
    assert (audit.status, audit.overall_grade, audit.limited) == ("completed", "inadequate",
                                                                   True)
    history = db.session.scalars(select(GradeRecord).where(
        GradeRecord.subject_type == "lado.audit", GradeRecord.subject_id == str(audit.id))).all()
    assert len(history) == 11  # ten domains and the overall grade
    shown = client.get(f"/lado/audits/{audit.reference}").text
    assert "Overall: Inadequate" in shown and "limiting judgement" in shown


def test_an_override_of_the_limiting_judgement_needs_a_reason(login, people, audit):
    client = login(people.qa)
    refused = client.post(f"/lado/audits/{audit.reference}", data=graded_form(
        audit, d_HR="inadequate", override="requires_improvement", override_reason=""))
    assert refused.status_code == 400
    assert "give the reason for overriding" in refused.text.lower()
    done = client.post(f"/lado/audits/{audit.reference}", data=graded_form(
        audit, d_HR="inadequate", override="requires_improvement",
        override_reason="The HR failing was the employer's and is being put right"))
    assert done.status_code == 302
    db.session.refresh(audit)
    assert audit.overall_grade == "requires_improvement"
    assert audit.override_reason.startswith("The HR failing")


def test_missing_answers_and_grades_are_named_and_nothing_is_saved(login, people, audit):
    form = graded_form(audit, q_ROUTE1="", d_STRAT="", q_TIME1="11")
    page = login(people.qa).post(f"/lado/audits/{audit.reference}", data=form)
    assert page.status_code == 400
    assert "How well did the referrer understand" in page.text
    assert "Enter a whole number from 0 to 10" in page.text
    assert 'href="#d_STRAT"' in page.text
    db.session.refresh(audit)
    assert audit.status == "allocated"


def test_not_applicable_is_allowed_only_where_the_tool_allows_it(login, people, audit):
    page = login(people.qa).post(f"/lado/audits/{audit.reference}", data=graded_form(
        audit, d_DBS="not_applicable", d_SAFE="not_applicable"))
    assert page.status_code == 400
    assert 'href="#d_SAFE"' in page.text and 'href="#d_DBS"' not in page.text


def test_only_the_auditor_grades(login, world, people, audit):
    assert login(people.lado).post(f"/lado/audits/{audit.reference}",
                                   data=graded_form(audit)).status_code == 403
    assert login(world.coordinator).get(f"/lado/audits/{audit.reference}").status_code == 200
    assert login(world.tm_a).get(f"/lado/audits/{audit.reference}").status_code == 404


def test_an_action_is_raised_to_a_school_through_the_action_tracker(login, people, audit):
    client = login(people.qa)
    page = client.post(f"/lado/audits/{audit.reference}/actions", data={
        "owner_agency": str(people.school.id), "priority": "normal",
        "what": "Review the school's suspension procedure with HR",
        "why": "HR procedures were not followed while the allegation was managed"})
    assert page.status_code == 302
    action = db.session.scalar(select(Action))
    assert (action.source_activity, action.source_ref) == ("lado", audit.reference)
    assert action.owner_agency_id == people.school.id
    assert action.reference in client.get(f"/lado/audits/{audit.reference}").text


def test_an_action_without_an_owner_or_text_is_refused_per_field(login, people, audit):
    page = login(people.qa).post(f"/lado/audits/{audit.reference}/actions",
                                 data={"priority": "normal"})
    assert page.status_code == 400
    assert "Select the agency that owns the action" in page.text
    assert db.session.scalar(select(Action)) is None
