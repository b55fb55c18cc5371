"""Programmes and cycles: drawing a cycle's sample, proposing auditors, and sending them.

The monthly cycle is drawn on the first working day of each cycle month (by the scheduled job,
or the QA team by hand), never twice for one month: the cycle's `slot` is unique per
programme. A practice-week month (set on the programme, or announced by another activity through
`monthly_cycle_replaced_by`) leaves a "replaced" cycle and draws nothing (Haringey, Havering).
Re-audits that have fallen due join the monthly sample. Themed, dip-sample, service-request and
need-to-know audits are cycles of their own alongside. Nothing reaches an auditor until the QA
team has reviewed the proposals and sent them.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import select

from core.toolkit import (
    Agency,
    Case,
    ToolNotFound,
    assign_to_case,
    db,
    get_tool,
    monthly_cycle_replaced_by,
    start_workflow,
)
from plugins.single_agency import clock, notices, people, reaudits, sampling
from plugins.single_agency.allocation import conflicts, propose
from plugins.single_agency.models import Audit, Cycle, Programme, Reaudit
from plugins.single_agency.settings import (
    KEY,
    MONTHS,
    cycle_months,
    defaults,
    first_working_day,
    last_working_day,
    slot,
)
from plugins.single_agency.workflow import AUDIT

KINDS = {
    "monthly": "Monthly case file audits",
    "themed": "Themed audit",
    "dip_sample": "Dip sample",
    "service_request": "Service request",
    "need_to_know": "Need-to-know notification audit",
    "practice_week": "Practice week (replaces the monthly cycle)",
}


class CycleInvalid(ValueError):
    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(self.errors.values()))


# --- programmes --------------------------------------------------------------------------------


def programme_for(agency_id: int) -> Programme | None:
    return db.session.scalar(select(Programme).where(Programme.agency_id == agency_id))


def create_programme(agency: Agency, by: Any = None) -> Programme:
    """A programme for a council with the deployment's defaults."""
    if not agency.partnerships:
        raise CycleInvalid({"agency": "The council is not part of a partnership yet."})
    programme = Programme(agency_id=agency.id, partnership_id=agency.partnerships[0].id,
                          updated_by_id=getattr(by, "id", None), updated_at=clock.now(),
                          **defaults())
    db.session.add(programme)
    db.session.flush()
    return programme


def tool_for(programme: Programme, case: Case) -> tuple[str, int]:
    """The tool version the case's service uses (a council picks one per service)."""
    area = case.team.service_area if case.team else None
    key = programme.service_tools.get(area or "", programme.default_tool)
    try:
        tool = get_tool(key)
    except ToolNotFound:
        raise CycleInvalid({"tool": f"The audit tool '{key}' is not available: check the "
                                    "programme's settings."}) from None
    return tool.key, tool.version


# --- drawing ---------------------------------------------------------------------------------


def draw_monthly(programme: Programme, year: int, month: int, rng: random.Random,
                 by: Any = None) -> tuple[Cycle | None, bool]:
    """The month's cycle and whether it was drawn just now; (None, False) in a month with no
    cycle (paused, or not one of the programme's cycle months)."""
    months = cycle_months(programme.year_start_month, programme.cycles_per_year,
                          programme.paused_months)
    if month not in months:
        return None, False
    existing = db.session.scalar(select(Cycle).where(Cycle.programme_id == programme.id,
                                                     Cycle.slot == slot(year, month)))
    if existing is not None:
        return existing, False
    replaced = (month in programme.practice_week_months
                or monthly_cycle_replaced_by(programme.agency, year, month) is not None)
    cycle = _cycle(programme, "practice_week" if replaced else "monthly",
                   f"{MONTHS[month - 1]} {year} case file audits", by,
                   opens_on=first_working_day(year, month),
                   due_on=last_working_day(year, month), slot=slot(year, month))
    if replaced:
        cycle.status = "replaced"
        cycle.title = f"{MONTHS[month - 1]} {year}: practice week instead of case file audits"
        return cycle, True
    cases = sampling.random_per_team(programme, cycle.opens_on, rng)
    _fill(programme, cycle, cases, reaudits.due(programme, cycle.opens_on), rng)
    return cycle, True


def create_cycle(programme: Programme, kind: str, title: str, due_on: date,
                 rng: random.Random, by: Any, *, theme: str | None = None,
                 criteria: sampling.Criteria | None = None,
                 case_code: str | None = None) -> Cycle:
    """A themed, dip-sample, service-request or need-to-know cycle alongside the monthly one."""
    if kind not in KINDS or kind in ("monthly", "practice_week"):
        raise CycleInvalid({"kind": "Select the kind of audit"})
    today = clock.today()
    if kind == "need_to_know":
        case = sampling.named(programme, case_code or "")
        if case is None:
            raise CycleInvalid({"case_code": "Enter the code of one of the council's cases"})
        cases = [case]
    else:
        cases = sampling.by_criteria(programme, today, criteria or sampling.Criteria(), rng)
    if not cases:
        raise CycleInvalid({"criteria": "No case fits these criteria: widen them"})
    cycle = _cycle(programme, kind, title, by, opens_on=today, due_on=due_on,
                   theme=theme, criteria=(criteria.as_dict() if criteria else
                                          {"case_code": case_code}))
    _fill(programme, cycle, cases, [], rng)
    return cycle


def _cycle(programme: Programme, kind: str, title: str, by: Any, **fields: Any) -> Cycle:
    cycle = Cycle(programme_id=programme.id, agency_id=programme.agency_id,
                  partnership_id=programme.partnership_id, kind=kind, title=title,
                  created_by_id=getattr(by, "id", None), created_at=clock.now(), **fields)
    db.session.add(cycle)
    db.session.flush()
    return cycle


def _fill(programme: Programme, cycle: Cycle, cases: list[Case], plans: list[Reaudit],
          rng: random.Random) -> None:
    made = [new_audit(programme, cycle, case) for case in cases]
    made += [_reaudit(programme, cycle, plan) for plan in plans]
    for proposal in propose(programme, cycle, made, rng):
        proposal.audit.allocation_notes = proposal.notes
    db.session.flush()
    notices.sample_drawn(cycle, len(made))


def new_audit(programme: Programme, cycle: Cycle, case: Case, *, kind: str = "audit",
              previous: Audit | None = None) -> Audit:
    tool_key, tool_version = tool_for(programme, case)
    now = clock.now()
    audit = Audit(reference=secrets.token_hex(8), cycle=cycle,
                  partnership_id=case.partnership_id, agency_id=case.agency_id,
                  team_id=case.team_id, practitioner_id=case.practitioner_id, case_id=case.id,
                  case=case, kind=kind, round=previous.round + 1 if previous else 0,
                  previous=previous, tool_key=tool_key, tool_version=tool_version,
                  state="proposed", due_on=cycle.due_on, created_at=now, updated_at=now)
    db.session.add(audit)
    db.session.flush()
    audit.reference = f"{case.partnership.code_prefix}-CFA-{audit.id:05d}"
    return audit


def _reaudit(programme: Programme, cycle: Cycle, plan: Reaudit) -> Audit:
    case = db.session.get(Case, plan.case_id)
    audit = new_audit(programme, cycle, case, kind="re_audit", previous=plan.original)
    plan.state, plan.audit_id = "drawn", audit.id
    return audit


# --- reviewing the proposals -------------------------------------------------------------------


def _proposed(audit: Audit) -> None:
    if audit.state != "proposed":
        raise CycleInvalid({"audit": "This allocation has already been sent."})


def add_case(programme: Programme, cycle: Cycle, code: str, rng: random.Random) -> Audit:
    """Add a named case to a cycle that has not been sent yet, with a proposed auditor."""
    if cycle.status != "draft":
        raise CycleInvalid({"case_code": "This cycle has been sent: start a new one instead."})
    case = sampling.named(programme, code)
    if case is None:
        raise CycleInvalid({"case_code": "Enter the code of one of the council's cases"})
    if sampling.in_live_audit(case):
        raise CycleInvalid({"case_code": f"Case {case.code} is already being audited"})
    audit = new_audit(programme, cycle, case)
    for proposal in propose(programme, cycle, [audit], rng):
        audit.allocation_notes = proposal.notes
    db.session.flush()
    return audit


def remove(audit: Audit) -> None:
    """Take a proposed audit out of the sample (it was never sent, so nobody was told)."""
    _proposed(audit)
    plan = db.session.scalar(select(Reaudit).where(Reaudit.audit_id == audit.id))
    if plan is not None:
        plan.state, plan.audit_id = "planned", None
    db.session.delete(audit)
    db.session.flush()


def set_auditor(audit: Audit, auditor: Any) -> None:
    """Change the proposed auditor; refused unless they are independent of the case."""
    _proposed(audit)
    found = conflicts(auditor.id, audit)
    if found:
        raise CycleInvalid({f"auditor-{audit.id}": f"{auditor.name} cannot audit "
                            f"{audit.case.code}: they {found[0]}"})
    audit.auditor_id, audit.auditor = auditor.id, auditor
    audit.allocation_notes = ["Chosen by the QA team."]
    db.session.flush()


def send(cycle: Cycle, by: Any) -> list[Audit]:
    """Send every proposed allocation: start each audit, give the auditor access to the case,
    and tell the auditor, the practitioner and the team manager."""
    waiting = [a for a in cycle.audits if a.state == "proposed"]
    if not waiting:
        raise CycleInvalid({"cycle": "There are no allocations waiting to be sent."})
    unallocated = [a.reference for a in waiting if a.auditor_id is None]
    if unallocated:
        raise CycleInvalid({"cycle": "Choose an auditor for " + ", ".join(unallocated)})
    for audit in waiting:
        if conflicts(audit.auditor_id, audit):
            raise CycleInvalid({f"auditor-{audit.id}": f"The auditor of {audit.reference} is "
                                "no longer independent of the case: choose another"})
    for audit in waiting:
        _start(audit, by)
    cycle.status, cycle.sent_at, cycle.sent_by_id = "sent", clock.now(), getattr(by, "id", None)
    db.session.flush()
    return waiting


def _start(audit: Audit, by: Any) -> None:
    auditor_teams = sorted(people.team_ids(audit.auditor_id, audit.agency_id))
    start_workflow(AUDIT, AUDIT, audit.id, audit.partnership_id, audit.agency_id,
                   auditor_teams[0] if auditor_teams else None, by=by)
    audit.state, audit.updated_at = "allocated", clock.now()
    assign_to_case(audit.auditor, audit.case, KEY, audit.reference, by=by)
    notices.allocated(audit)
