"""Multi-agency fixtures: Northbrook (P1) with children's services (A), police (B) and health
(H), a lead auditor in each, a spare police auditor, eight coded cases (the first carrying the
canary identity) and an audit planned with all three agencies and all eight cases."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from core.actions.models import ActionPlan
from core.api.tokens import issue
from core.cases.service import register_case
from core.extensions import db
from plugins.multi_agency import consultation, group, lifecycle, programme, report, selection
from plugins.multi_agency.answers import ReturnInput
from plugins.multi_agency.clock import london_today
from plugins.multi_agency.returns import save_return
from tests.support import factories as f

CANARY = {"name": "ZZCANARY-NAME", "date_of_birth": "2011-01-01", "record_id": "ZZREF-0001"}
CORE_GRADES = {"RESP": "good", "INFO": "good", "PLAN": "good", "VOICE": "good",
               "OVERSIGHT": "good", "IMPACT": "good"}
SECTION = {"childrens_services": {"SOCIAL": "good"}, "police": {"POLICE": "good"},
           "health": {"HEALTH": "good"}}
ANSWERS = {"RESP1": "yes", "RESP2": "yes", "INFO1": "yes", "INFO2": "partly", "PLAN1": "yes",
           "PLAN2": "yes", "VOICE1": "yes", "OVER1": "yes", "IMP1": "yes"}
SECTION_ANSWERS = {
    "childrens_services": {"CSC1": "yes", "CSC2": "yes", "CSC3": "yes"},
    "police": {"POL1": "yes", "POL2": "Attended"},
    "health": {"HLT1": "yes", "HLT2": "yes"},
}


def bearer(token: str, key: str | None = None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {token}"}
    if key:
        headers["Idempotency-Key"] = key
    return headers


def complete(agency_type: str, overall: str = "good", **grades: str) -> ReturnInput:
    """A whole return for an agency of this type, every domain graded `grades` or good."""
    return ReturnInput(
        grades={**CORE_GRADES, **SECTION[agency_type], **grades},
        answers={**ANSWERS, **SECTION_ANSWERS[agency_type]}, overall=overall,
        evidence="Records for the period were read in full.", what_worked="Quick referral.",
        what_did_not="Late conference report.")


def body(agency_type: str, **extra) -> dict:
    data = complete(agency_type)
    return {"grades": data.grades, "answers": data.answers, "overall": data.overall,
            "evidence": data.evidence, "what_worked": data.what_worked,
            "what_did_not": data.what_did_not, **extra}


def code_cases(world, count: int = 8) -> list:
    cases = []
    for n in range(count):
        identity = CANARY if n == 0 else {"name": f"Child {n}", "date_of_birth": "2012-02-02",
                                          "record_id": f"REF-{n:04d}"}
        cases.append(register_case(world.p1, world.a, identity, {"cohort": "child_protection"},
                                   None))
    return cases


def plan(ma, title: str = "Neglect baseline", baseline: bool = True, cases=None):
    values = programme.suggested(london_today())
    values.title, values.theme = title, "Neglect"
    values.terms_of_reference = "How well agencies recognise and respond to neglect."
    values.cohort, values.sub_committee = "Children on child protection plans", "QA sub-committee"
    values.is_baseline = baseline
    audit = programme.plan_audit(ma.world.p1, values, ma.coordinator)
    for agency in (ma.a, ma.b, ma.h):
        group.add_participant(audit, agency, ma.coordinator)
    for case in (cases or ma.cases):
        selection.select_case(audit, case.code, ma.coordinator)
    for agency, lead in ((ma.a, ma.lead_a), (ma.b, ma.lead_b), (ma.h, ma.lead_h)):
        group.nominate(audit, agency.id, lead, ma.coordinator)
    db.session.commit()
    return audit


def declare_all(audit, user, conflicts=()) -> None:
    for selected, _agency in group.cases_of_auditor(audit, user):
        group.declare(audit, selected, user, selected.code in conflicts)
    db.session.commit()


def start(audit, ma, conflicts: dict | None = None) -> None:
    """Declarations by every lead (with the given conflicts), then auditing starts."""
    conflicts = conflicts or {}
    for lead in (ma.lead_a, ma.lead_b, ma.lead_h):
        declare_all(audit, lead, conflicts.get(lead.id, ()))
    lifecycle.open_audit(audit, ma.coordinator)
    db.session.commit()


@pytest.fixture
def ma(world):
    h = f.make_agency(world.p1, name="Northbrook Health", type="health")
    lead_a = f.make_user("agency_lead_auditor", world.a, email="lead.a@example.test",
                         name="Ada Council")
    lead_b = f.make_user("agency_lead_auditor", world.b, email="lead.b@example.test",
                         name="Bo Police")
    spare_b = f.make_user("agency_lead_auditor", world.b, email="spare.b@example.test",
                          name="Sam Police")
    lead_h = f.make_user("agency_lead_auditor", h, email="lead.h@example.test",
                         name="Hal Health")
    lead_c = f.make_user("agency_lead_auditor", world.c, email="lead.c@example.test")
    board = f.make_user("board_member", world.p1, email="board@example.test")
    ns = SimpleNamespace(world=world, a=world.a, b=world.b, h=h, coordinator=world.coordinator,
                         lead_a=lead_a, lead_b=lead_b, spare_b=spare_b, lead_h=lead_h,
                         lead_c=lead_c, board=board)
    ns.cases = code_cases(world)
    db.session.commit()
    return ns


@pytest.fixture
def audit(ma):
    return plan(ma)


@pytest.fixture
def tokens(ma):
    """API tokens: each lead auditor's, for their own agency."""
    found = {}
    for name in ("lead_a", "lead_b", "lead_h", "lead_c"):
        user = getattr(ma, name)
        agency = user.memberships[0].agency
        found[name] = issue(user, agency, "case system", 30)[1]
    db.session.commit()
    return SimpleNamespace(**found)


@pytest.fixture
def reported(audit, ma):
    """An audit through to a published report, every agency having submitted."""
    start(audit, ma)
    for selected in audit.cases:
        for agency, lead, kind in ((ma.a, ma.lead_a, "childrens_services"),
                                   (ma.b, ma.lead_b, "police"), (ma.h, ma.lead_h, "health")):
            save_return(audit, selected, agency.id, lead, complete(kind), submit=True)
    lifecycle.record_consultation(audit, london_today(), london_today(), ma.coordinator)
    for selected in audit.cases:
        consultation.record_finding(audit, selected, CORE_GRADES, "good", "Agreed good.",
                                    "Police thought requires improvement.", ma.coordinator)
    consultation.add_theme(audit, "theme", "Information sharing",
                           "Referrals were prompt.", ma.coordinator)
    report.save_report(audit, report.ReportText("Outcomes.", "Learning.", "Recommend."),
                       {ma.b.id: report.ReportText(recommendations="Share notifications.")},
                       ma.coordinator)
    report.publish_report(audit, ma.coordinator)
    db.session.commit()
    return audit


def close_plan(audit) -> None:
    """The sub-committee closes the action plan and the daily job closes the audit."""
    db.session.get(ActionPlan, audit.action_plan_id).status = "closed"
    db.session.commit()
    lifecycle.close_finished()
    db.session.commit()
