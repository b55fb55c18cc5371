"""Case audits during a practice week: a chosen tool's domains graded, the family's view
recorded and shared with the other activities, and counted in the week's summary."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from core.cases.service import register_case
from core.extensions import db
from plugins.practice_week import audits
from plugins.practice_week.models import WeekAudit
from plugins.practice_week.reports import audit_summary
from tests.plugins.practice_week import helpers as h


@pytest.fixture
def setting(pw):
    week = h.make_week(pw, pw.dcs)
    case = register_case(pw.w.p1, pw.w.a, {"name": "ZZCANARY-NAME", "date_of_birth": "2011-01-01",
                                              "record_id": "ZZREF-0001"},
                         {"cohort": "child_in_care"}, None)
    db.session.commit()
    key = next(iter(audits.audit_tools()))
    return week, case, audits.chosen_tool(key)


def audit_form(tool, code: str, **extra) -> dict[str, str]:
    data = {"tool": tool.key, "case_code": code, "overall": "good",
            "findings": "Plans are clear; the child's voice is recorded.",
            "family_with": "parent_carer", "family_outcome": "spoke",
            "family_summary": "Mum said the worker listens.",
            **h.date_fields("family_on", date(2026, 9, 28))}
    data.update({f"domain_{d.code}": "good" for d in tool.domains})
    data.update(extra)
    return data


def test_a_leader_audits_a_case_with_the_familys_view(pw, setting, login):
    week, case, tool = setting
    client = login(pw.dcs)
    assert tool.title in client.get(f"/practice_week/weeks/{week.id}/audits/new").text
    page = client.post(f"/practice_week/weeks/{week.id}/audits/new",
                       data=audit_form(tool, case.code))
    assert page.status_code == 302
    audit = db.session.scalar(select(WeekAudit))
    assert (audit.case_id, audit.overall, audit.family_outcome) == (case.id, "good", "spoke")
    assert set(audit.domain_grades) == {d.code for d in tool.domains}
    summary = audit_summary(week)
    assert summary.audits == 1 and ("Good", 1) in summary.grades
    assert ("Spoke to them", 1) in summary.family
    shown = login(pw.qa).get(f"/practice_week/weeks/{week.id}").text
    assert case.code in shown and "ZZCANARY-NAME" not in shown


def test_a_case_of_another_council_and_missing_grades_are_refused(pw, setting, login):
    week, _, tool = setting
    other = register_case(pw.w.p1, pw.w.b, {"name": "Someone", "date_of_birth": "2012-02-02",
                                           "record_id": "ZZREF-0002"},
                          {"cohort": "child_in_care"}, None)
    db.session.commit()
    first = tool.domains[0]
    page = login(pw.dcs).post(f"/practice_week/weeks/{week.id}/audits/new",
                              data=audit_form(tool, other.code, **{f"domain_{first.code}": ""}))
    assert page.status_code == 400
    assert "Enter the code of one of the council&#39;s cases" in page.text
    assert f"Select a grade for {first.title}" in page.text
    assert db.session.scalar(select(WeekAudit)) is None


def test_speaking_to_the_family_needs_what_they_said(pw, setting, login):
    week, case, tool = setting
    page = login(pw.dcs).post(f"/practice_week/weeks/{week.id}/audits/new",
                              data=audit_form(tool, case.code, family_summary=""))
    assert page.status_code == 400
    assert "Enter what the family said" in page.text


def test_a_practitioner_cannot_audit(pw, setting, login):
    week, _, _ = setting
    assert login(pw.sw1).get(f"/practice_week/weeks/{week.id}/audits/new").status_code == 403
