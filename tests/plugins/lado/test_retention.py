"""Retention: when core destroys a child's case, the LADO referral about them loses its sealed
and written details (dates, categories, outcomes and grades stay), cannot be revealed again,
is kept whole while another of its children is on legal hold, and a second run does nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select, text

from core.accesslog.models import AccessLogEntry
from core.actions.models import Action
from core.cases.retention import add_years, run_retention
from core.cases.reveal import may_reveal
from core.cases.service import register_case
from core.extensions import db
from core.toolkit import ActionSource, DestructionRecord, raise_action
from plugins.lado import audits, reveal
from plugins.lado.models import LadoAdultReveal, LadoAudit, LadoReferral
from plugins.lado.retention import GONE, is_destroyed
from tests.core.cases.conftest import attributes, identity
from tests.plugins.lado.conftest import CANARY_EMPLOYER, CANARY_ROLE, record
from tests.support.files import own_instance  # noqa: F401

pytestmark = [pytest.mark.plugins("lado"), pytest.mark.usefixtures("own_instance")]

CLOSED = datetime(2023, 1, 10, 12, 0, tzinfo=UTC)
DUE = add_years(CLOSED, 3) + timedelta(days=1)
REASON = "ZZCANARY-REASON complaint from the school about the handling"
LEARNING = "ZZCANARY-LEARNING the school investigated before consulting the LADO"
ANSWER = "ZZCANARY-ANSWER the head teacher spoke to the adult first"
OVERRIDE = "ZZCANARY-OVERRIDE the panel judged the response stronger"
ACTION = "ZZCANARY-ACTION remind the school of the allegations procedure"
TABLES = ("lado_referral", "lado_referral_child", "lado_reveal", "lado_audit", "action_item",
          "action_entry")


def coded(world, ref: str, hold: bool = False):
    case = register_case(world.p1, world.a, identity(record_id=ref), attributes(), by=None)
    case.closed_at, case.legal_hold = CLOSED, hold
    db.session.commit()
    return case


def audited(world, people, referral) -> LadoAudit:
    """An ad hoc audit, graded with a written answer, learning and an override reason, with an
    action raised to the school."""
    audit = audits.start_ad_hoc(referral, people.qa.id, REASON, world.coordinator)
    db.session.commit()
    tool = audits.tool_of(audit)
    form = {f"d_{d.code}": "good" for d in tool.domains}
    for _domain, question in tool.questions():
        form[f"q_{question.code}"] = {"grade": "good", "score_0_10": "7",
                                      "yes_no_partly": "yes", "text": ANSWER}[question.type]
    audits.grade(audit, {**form, "learning": LEARNING}, people.qa)
    audit.override_reason = OVERRIDE
    raise_action(partnership=world.p1, what=ACTION, why=ACTION, owner_agency=people.school,
                 source=ActionSource("lado", audit.reference),
                 by=people.qa)
    db.session.commit()
    return audit


@pytest.fixture
def lado_case(world, people):
    """A closed case in a referral (revealed by the LADO) with a graded ad hoc audit."""
    case = coded(world, "ZZREF-LADO")
    referral = record(world, people.lado, lado=str(people.lado.id), children=case.code,
                      referrer_agency=str(people.school.id), decision="met",
                      decision_date="03/03/2026", outcome="substantiated",
                      outcome_date="20/04/2026")
    audit = audited(world, people, referral)
    reveal.reveal(referral, people.lado, "auditing", None)
    db.session.commit()
    return SimpleNamespace(case=case, referral=referral, audit=audit)


def stored_text() -> str:
    """Every stored row of the LADO tables and the action tracker, as text."""
    rows = [db.session.execute(text(f"SELECT * FROM {table}")).all() for table in TABLES]
    return repr(rows)


def kept(referral: LadoReferral, audit: LadoAudit) -> tuple:
    return (referral.referral_date, referral.sector, referral.category, referral.decision,
            referral.decision_date, referral.outcome, referral.outcome_date,
            referral.referrer_agency_id, audit.overall_grade, audits.domain_grades_of(audit),
            audit.completed_at, audit.kind)


def test_retention_clears_the_referrals_text_and_keeps_dates_and_grades(lado_case):
    referral, audit = lado_case.referral, lado_case.audit
    before = kept(referral, audit)
    assert "ZZCANARY" in stored_text() and referral.adult_key is not None
    assert run_retention(DUE - timedelta(days=2)).destroyed == []

    assert run_retention(DUE).destroyed == [lado_case.case.code]

    db.session.expire_all()
    assert kept(referral, audit) == before
    assert (referral.adult_role_enc, referral.employer_enc) == (None, None)
    assert (referral.adult_key, referral.employer_key) == (None, None)
    assert referral.unseal("adult_role") is None and referral.unseal("employer") is None
    assert (audit.learning, audit.reason, audit.override_reason) == (None, GONE, GONE)
    answers = json.loads(audit.answers)
    assert answers and ANSWER not in answers.values()
    assert set(answers.values()) <= {"good", "7", "yes"}
    action = db.session.scalar(select(Action).where(Action.source_ref == audit.reference))
    assert (action.what, action.why, action.status) == (GONE, GONE, "open")
    assert db.session.scalar(select(func.count()).select_from(LadoAdultReveal)) == 0
    assert "ZZCANARY" not in stored_text()
    record_ = db.session.scalar(select(DestructionRecord).where(
        DestructionRecord.object_code == referral.reference))
    assert record_.object_type == "lado_referral" and "ZZCANARY" not in record_.what


def test_a_destroyed_referral_cannot_be_revealed(lado_case, people, login):
    run_retention(DUE)
    db.session.expire_all()
    referral = lado_case.referral
    assert is_destroyed(referral)
    with pytest.raises(reveal.RevealInvalid) as refused:
        reveal.reveal(referral, people.lado, "auditing", None)
    assert "destroyed" in refused.value.errors["reason"]
    assert reveal.shown(referral, people.lado) == (None, None)
    assert not may_reveal(people.lado, lado_case.case)  # nor the child, through core
    client = login(people.lado)
    page = client.post(f"/lado/referrals/{referral.reference}/reveal",
                       data={"reason": "auditing"})
    assert page.status_code == 400 and "cannot be revealed" in page.text
    shown = client.get(f"/lado/referrals/{referral.reference}").text
    assert CANARY_ROLE not in shown and CANARY_EMPLOYER not in shown
    assert f"/lado/referrals/{referral.reference}/reveal" not in shown  # no link to nothing
    assert db.session.scalar(select(func.count()).select_from(LadoAdultReveal)) == 0


def test_a_case_on_legal_hold_keeps_everything(world, people, lado_case):
    lado_case.case.legal_hold = True
    db.session.commit()
    assert run_retention(DUE).destroyed == []
    db.session.expire_all()
    referral, audit = lado_case.referral, lado_case.audit
    assert referral.unseal("adult_role") == CANARY_ROLE and referral.adult_key is not None
    assert (audit.learning, audit.reason) == (LEARNING, REASON)
    assert ANSWER in json.loads(audit.answers).values()
    assert not is_destroyed(referral)


def test_the_referral_waits_for_its_last_child(world, people):
    """Two children: one destroyed, one on legal hold; the referral is kept whole until the
    held child's case is destroyed too."""
    gone, held = coded(world, "ZZREF-GONE"), coded(world, "ZZREF-HELD", hold=True)
    referral = record(world, people.lado, children=f"{gone.code}, {held.code}")
    audit = audited(world, people, referral)
    assert run_retention(DUE).destroyed == [gone.code]
    db.session.expire_all()
    assert referral.unseal("employer") == CANARY_EMPLOYER and audit.learning == LEARNING
    assert not is_destroyed(referral)
    held.legal_hold = False
    db.session.commit()
    assert run_retention(DUE).destroyed == [held.code]
    db.session.expire_all()
    assert referral.employer_enc is None and audit.learning is None and is_destroyed(referral)


def test_a_second_run_does_nothing(lado_case):
    first = run_retention(DUE)
    assert first.destroyed == [lado_case.case.code]
    db.session.expire_all()
    version = lado_case.referral.version
    records = db.session.scalar(select(func.count()).select_from(DestructionRecord))
    logged = db.session.scalar(select(func.count()).select_from(AccessLogEntry).where(
        AccessLogEntry.action == "lado_referral_destroyed"))
    assert logged == 1
    second = run_retention(DUE + timedelta(days=1))
    assert (second.destroyed, second.failed) == ([], [])
    db.session.expire_all()
    assert lado_case.referral.version == version
    assert db.session.scalar(select(func.count()).select_from(DestructionRecord)) == records
    assert db.session.scalar(select(func.count()).select_from(AccessLogEntry).where(
        AccessLogEntry.action == "lado_referral_destroyed")) == logged
