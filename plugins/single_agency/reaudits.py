"""Re-audits (Haringey 2.14): an audit that ends "requires improvement" or "inadequate" owes a
re-audit after a set number of months; a re-audit graded the same or lower than the audit
before it is escalated to the service manager and head of service, and a second re-audit graded
the same or lower to the head of service and assistant director.

`settle()` runs whenever an audit's grade is settled or changes (acceptance, moderation,
dispute), so a re-audit is planned, or called off, on the grade as it finally stands.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from core.toolkit import db, record_grade
from plugins.single_agency import clock, grading, notices, people
from plugins.single_agency.models import Audit, Escalation, Programme, Reaudit
from plugins.single_agency.settings import add_months

NEEDS_REAUDIT = ("requires_improvement", "inadequate")
ESCALATE_TO = {1: ("service_manager", "head_of_service"),
               2: ("head_of_service", "assistant_director")}
REASON = "reaudit_no_better"


def programme_of(audit: Audit) -> Programme:
    return db.session.scalar(select(Programme).where(Programme.agency_id == audit.agency_id))


def plan_of(audit: Audit) -> Reaudit | None:
    return db.session.scalar(select(Reaudit).where(Reaudit.original_id == audit.id))


def settle(audit: Audit) -> Reaudit | None:
    """Plan, keep, or call off the re-audit this audit's grade calls for."""
    programme = programme_of(audit)
    needs = (audit.final_grade in NEEDS_REAUDIT
             and audit.round < programme.reaudit_max_rounds)
    plan = plan_of(audit)
    if plan is None and needs:
        accepted = (audit.accepted_at or clock.now()).astimezone(clock.LONDON).date()
        plan = Reaudit(original_id=audit.id, agency_id=audit.agency_id, case_id=audit.case_id,
                       round=audit.round + 1,
                       due_on=add_months(accepted, programme.reaudit_after_months)
                       .replace(day=1))  # the cycle of that month
        db.session.add(plan)
    elif plan is not None and plan.state in ("planned", "cancelled"):
        plan.state = "planned" if needs else "cancelled"
    if audit.kind == "re_audit":
        escalate_if_no_better(audit)
    db.session.flush()
    return plan


def due(programme: Programme, on: date) -> list[Reaudit]:
    """Planned re-audits of the council that are due by `on` (a cycle's opening day)."""
    return list(db.session.scalars(select(Reaudit).where(
        Reaudit.agency_id == programme.agency_id, Reaudit.state == "planned",
        Reaudit.due_on <= on).order_by(Reaudit.due_on, Reaudit.id)))


def accepted(audit: Audit, user: Any) -> None:
    """A re-audit was accepted: note its grade on the audit it follows up, then settle."""
    if audit.kind == "re_audit" and audit.previous is not None and audit.final_grade:
        record_grade(grading.SUBJECT, audit.previous.id, "re_audit", audit.final_grade,
                     recorded_by=user, belongs_to=audit.previous)
    settle(audit)


def escalate_if_no_better(audit: Audit) -> Escalation | None:
    """Tell the managers above the team when a re-audit is no better than the audit before."""
    previous = audit.previous
    if previous is None or not grading.at_least_as_good(previous.final_grade, audit.final_grade):
        return None
    if db.session.scalar(select(Escalation.id).where(Escalation.audit_id == audit.id,
                                                     Escalation.reason == REASON)):
        return None
    level = 1 if audit.round <= 1 else 2
    roles = ESCALATE_TO[level]
    told = {u.id: u for role in roles for u in people.on_the_line(
        audit.partnership_id, audit.agency_id, audit.team_id, role)}
    escalation = Escalation(audit_id=audit.id, reason=REASON, level=level, roles=list(roles),
                            recipient_ids=sorted(told), created_at=clock.now())
    db.session.add(escalation)
    notices.reaudit_escalated(audit, list(told.values()), level)
    return escalation
