"""Retention: when core destroys a case, practice-week audits of it lose what they found and
what the family said (grades, the family's answer and dates stay); a case on legal hold keeps
everything; a second run does nothing; observations and development-file documents, which are
about a practitioner, are left alone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select, text

from core.cases.retention import add_years, run_retention
from core.cases.service import register_case
from core.extensions import db
from core.toolkit import DestructionRecord
from plugins.practice_week import audits
from plugins.practice_week.models import Observation, WeekAudit
from tests.plugins.practice_week import helpers as h
from tests.support.files import own_instance  # noqa: F401

pytestmark = [pytest.mark.plugins("practice_week"), pytest.mark.usefixtures("own_instance")]

CLOSED = datetime(2022, 11, 30, 12, 0, tzinfo=UTC)
DUE = add_years(CLOSED, 3) + timedelta(days=1)
FINDINGS = "ZZCANARY-FINDINGS plans are clear; Ella's voice is recorded"
FAMILY = "ZZCANARY-FAMILY Mum said the worker listens"
TABLES = ("practice_week_audit", "practice_week_observation", "practice_week_week")


@pytest.fixture
def audited(pw):
    """A case audited in a practice week (and an observation in the same week); the case
    closes and its retention period runs out at DUE."""
    week = h.make_week(pw, pw.dcs)
    case = register_case(pw.w.p1, pw.w.a, {"name": "ZZCANARY-NAME", "date_of_birth": "2011-01-01",
                                           "record_id": "ZZREF-0001"},
                         {"cohort": "child_in_care"}, None)
    db.session.commit()
    tool = audits.chosen_tool(next(iter(audits.audit_tools())))
    form = {"tool": tool.key, "case_code": case.code, "overall": "good", "findings": FINDINGS,
            "family_with": "parent_carer", "family_outcome": "spoke", "family_summary": FAMILY,
            **h.date_fields("family_on", date(2026, 9, 28)),
            **{f"domain_{d.code}": "good" for d in tool.domains}}
    audit = audits.record_audit(week, tool, form, pw.dcs)
    obs = h.observe(pw, week, pw.dcs, pw.sw1)
    case.closed_at = CLOSED
    db.session.commit()
    return case, audit, obs


def kept(audit: WeekAudit) -> tuple:
    return (audit.overall, dict(audit.domain_grades), audit.family_with, audit.family_outcome,
            audit.family_on, audit.created_at, audit.tool_key, audit.tool_version,
            audit.auditor_id)


def stored_text() -> str:
    """Every stored row of the plugin's tables, as text."""
    return repr([db.session.execute(text(f"SELECT * FROM {t}")).all()
                 for t in TABLES])


def test_retention_clears_the_audits_text_and_keeps_grades_and_dates(audited):
    case, audit, obs = audited
    before, observation = kept(audit), (obs.state, obs.starts_at, obs.practitioner_id)
    assert FINDINGS in stored_text() and FAMILY in stored_text()
    assert run_retention(DUE - timedelta(days=2)).destroyed == []

    assert run_retention(DUE).destroyed == [case.code]

    db.session.expire_all()
    assert (audit.findings, audit.family_summary) == (None, None)
    assert kept(audit) == before and audit.overall == "good"
    assert (obs.state, obs.starts_at, obs.practitioner_id) == observation
    stored = stored_text()
    assert "ZZCANARY" not in stored and "Ella" not in stored


def test_a_case_on_legal_hold_keeps_everything(audited):
    case, audit, _obs = audited
    case.legal_hold = True
    db.session.commit()
    assert run_retention(DUE).destroyed == []
    db.session.expire_all()
    assert (audit.findings, audit.family_summary) == (FINDINGS, FAMILY)


def test_a_second_run_does_nothing(audited):
    case, audit, _obs = audited
    assert run_retention(DUE).destroyed == [case.code]
    db.session.expire_all()
    version, records = audit.version, db.session.scalar(
        select(func.count()).select_from(DestructionRecord))
    second = run_retention(DUE + timedelta(days=1))
    assert (second.destroyed, second.failed) == ([], [])
    db.session.expire_all()
    assert audit.version == version and audit.findings is None
    assert db.session.scalar(select(func.count()).select_from(DestructionRecord)) == records
    assert db.session.scalar(select(func.count()).select_from(Observation)) == 1
