"""The plugin's three workflows and their clocks, in UK working days.

- An audit, once sent: the auditor submits; the QA team checks it within 1 working day
  (Haringey 2.6) and accepts it or returns it with comments; amendments are due within 3
  working days, after which the auditor's service manager and then head of service are told
  (Haringey 2.15). The audit's workflow follows the auditor's own team, so those escalations go
  up the auditor's line.
- A dispute (Haringey 2.11): informal meeting within 5 working days and outcome within 2;
  formal review with the head of service for QA or the PSW within 5 and a written response
  within 5; then the head of service within 5; exceptionally the assistant director.
- A safety alert (Sefton; Haringey Appendix B): a response within 24 hours; unresolved, the
  head of service, then the assistant director 5 working days later, then the director.
- The team's response to an accepted audit (Haringey 2.9): the team manager and practitioner
  record their discussion and agreed actions by the date set at acceptance (5 working days
  for inadequate, 10 otherwise); a reminder the day before; late, the service manager is told.
- Havering's head of service review of an inadequate audit: within 24 hours, then a decision on
  a multi-disciplinary action meeting by the third working day; late, the assistant director.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from core.toolkit import (
    Delay,
    EscalationStep,
    SlaRule,
    State,
    Transition,
    WorkflowDefinition,
    db,
    end_of_day_utc,
)
from plugins.single_agency.models import Audit, AuditResponse, Dispute, SafetyAlert

AUDIT = "single_agency.audit"
DISPUTE = "single_agency.dispute"
ALERT = "single_agency.alert"
RESPONSE = "single_agency.response"
HOS_REVIEW = "single_agency.hos_review"
OPEN_DISPUTE_STATES = ("informal_meeting", "informal_outcome", "formal_review",
                       "formal_response", "hos_review", "ad_review")


def audit_of(instance: Any) -> Audit:
    return db.session.get(Audit, int(instance.subject_id))


def dispute_of(instance: Any) -> Dispute:
    return db.session.get(Dispute, int(instance.subject_id))


def alert_of(instance: Any) -> SafetyAlert:
    return db.session.get(SafetyAlert, int(instance.subject_id))


# --- guards --------------------------------------------------------------------------------


def by_the_auditor(instance: Any, user: Any) -> str | None:
    if audit_of(instance).auditor_id != user.id:
        return "Only the allocated auditor can submit this audit."
    return None


def not_the_auditor(instance: Any, user: Any) -> str | None:
    if audit_of(instance).auditor_id == user.id:
        return "You cannot check an audit you carried out yourself."
    return None


def a_party(instance: Any, user: Any) -> str | None:
    """The informal stage belongs to the practitioner and the team's managers."""
    from plugins.single_agency.disputes import is_party

    if not is_party(dispute_of(instance), user):
        return "Only the practitioner or a manager of the team can act at this stage."
    return None


def _auditor_ids(instance: Any) -> list[int]:
    auditor = audit_of(instance).auditor_id
    return [auditor] if auditor else []


# --- the audit ---------------------------------------------------------------------------------


QA_CHECK = SlaRule("qa_check", "QA check", working_days=1)
AMENDMENTS = SlaRule(
    "amendments", "Amendments after the QA check", working_days=3,
    remind_before=Delay(working_days=1), owners=_auditor_ids,
    escalate_after=(EscalationStep("service_manager"),
                    EscalationStep("head_of_service", Delay(working_days=2))))

AUDIT_WORKFLOW = WorkflowDefinition(
    AUDIT,
    states=[
        State("allocated", "Allocated"),
        State("qa_check", "Waiting for the QA check", sla=[QA_CHECK]),
        State("returned", "Returned for amendment", sla=[AMENDMENTS]),
        State("accepted", "Accepted", terminal=True),
        State("cancelled", "Cancelled", terminal=True),
    ],
    transitions=[
        Transition("submit", "Submit the audit for the QA check", ("allocated", "returned"),
                   "qa_check", "single_agency.audit",
                   refusal="Only the allocated auditor can submit this audit.",
                   guards=[by_the_auditor]),
        Transition("accept", "Accept the audit", ("qa_check",), "accepted",
                   "single_agency.qa", refusal="Only the QA team can accept an audit.",
                   guards=[not_the_auditor]),
        Transition("return", "Return the audit for amendment", ("qa_check",), "returned",
                   "single_agency.qa", refusal="Only the QA team can return an audit.",
                   guards=[not_the_auditor]),
        Transition("cancel", "Cancel the audit", ("allocated", "returned"), "cancelled",
                   "single_agency.qa", refusal="Only the QA team can cancel an audit."),
    ],
    initial="allocated",
    label="Case file audit",
    reference=lambda instance: audit_of(instance).reference,
    link=lambda instance: f"/single_agency/audits/{instance.subject_id}",
)


# --- the dispute -------------------------------------------------------------------------------


def _dispute_rule(key: str, label: str, days: int, role: str) -> SlaRule:
    return SlaRule(key, label, working_days=days, escalate_after=(EscalationStep(role),))


INFORMAL_MEETING = _dispute_rule("informal_meeting", "Dispute meeting", 5, "service_manager")
INFORMAL_OUTCOME = _dispute_rule("informal_outcome", "Dispute outcome shared", 2,
                                 "service_manager")
FORMAL_REVIEW = _dispute_rule("formal_review", "Formal review of the dispute", 5,
                              "head_of_service")
FORMAL_RESPONSE = _dispute_rule("formal_response", "Written response to the dispute", 5,
                                "head_of_service")
DISPUTE_HOS_REVIEW = _dispute_rule("hos_review", "Head of service review of the dispute", 5,
                           "assistant_director")


def _resolve(key: str, source: str, permission: str, **extra: Any) -> Transition:
    return Transition(key, "Record the outcome", (source,), "resolved", permission, **extra)


DISPUTE_WORKFLOW = WorkflowDefinition(
    DISPUTE,
    states=[
        State("informal_meeting", "Informal: meeting to be held", sla=[INFORMAL_MEETING]),
        State("informal_outcome", "Informal: outcome to be shared", sla=[INFORMAL_OUTCOME]),
        State("formal_review", "Formal: QA review with the head of service for QA or the PSW",
              sla=[FORMAL_REVIEW]),
        State("formal_response", "Formal: written response due", sla=[FORMAL_RESPONSE]),
        State("hos_review", "Escalated to the head of service", sla=[DISPUTE_HOS_REVIEW]),
        State("ad_review", "Escalated to the assistant director"),
        State("resolved", "Resolved", terminal=True),
        State("withdrawn", "Withdrawn", terminal=True),
    ],
    transitions=[
        Transition("hold_meeting", "Record the meeting", ("informal_meeting",),
                   "informal_outcome", "single_agency.dispute", guards=[a_party]),
        _resolve("resolve_informally", "informal_outcome", "single_agency.dispute",
                 guards=[a_party]),
        Transition("go_formal", "Take the dispute to the formal stage", ("informal_outcome",),
                   "formal_review", "single_agency.dispute", guards=[a_party]),
        Transition("review_formally", "Record the formal review", ("formal_review",),
                   "formal_response", "single_agency.dispute_review"),
        _resolve("resolve_formally", "formal_response", "single_agency.dispute_review"),
        Transition("escalate_to_hos", "Escalate to the head of service", ("formal_response",),
                   "hos_review", "single_agency.dispute_review"),
        _resolve("resolve_at_hos", "hos_review", "single_agency.dispute_decide"),
        Transition("escalate_to_ad", "Escalate to the assistant director", ("hos_review",),
                   "ad_review", "single_agency.dispute_decide"),
        _resolve("resolve_at_ad", "ad_review", "single_agency.dispute_final"),
        Transition("withdraw", "Withdraw the dispute", OPEN_DISPUTE_STATES, "withdrawn",
                   "single_agency.dispute", guards=[a_party]),
    ],
    initial="informal_meeting",
    label="Audit dispute",
    reference=lambda instance: f"{dispute_of(instance).audit.reference} dispute",
    link=lambda instance: f"/single_agency/disputes/{instance.subject_id}",
)


# --- the safety alert --------------------------------------------------------------------------


ALERT_RESPONSE = SlaRule(
    "response", "Response to the safety alert", hours=24,
    escalate_after=(EscalationStep("head_of_service"),
                    EscalationStep("assistant_director", Delay(working_days=5)),
                    EscalationStep("director", Delay(working_days=10))))

ALERT_WORKFLOW = WorkflowDefinition(
    ALERT,
    states=[State("open", "Open", sla=[ALERT_RESPONSE]),
            State("resolved", "Resolved", terminal=True)],
    transitions=[Transition("resolve", "Record the response and resolve the alert", ("open",),
                            "resolved", "single_agency.alert")],
    initial="open",
    label="Safety alert",
    reference=lambda instance: f"{alert_of(instance).audit.reference} safety alert",
    link=lambda instance: f"/single_agency/alerts/{instance.subject_id}",
)


# --- the team's response and the head of service's review ------------------------------------


def response_of(instance: Any) -> AuditResponse:
    return db.session.get(AuditResponse, int(instance.subject_id))


def _response_due(instance: Any, started_at: datetime) -> datetime:
    return end_of_day_utc(response_of(instance).due_on)


def _decision_due(instance: Any, started_at: datetime) -> datetime:
    return end_of_day_utc(response_of(instance).hos_decision_due_on)


def _team_owners(instance: Any) -> list[int]:
    from plugins.single_agency.people import team_managers

    audit = response_of(instance).audit
    owners = [u.id for u in team_managers(audit.team_id)]
    return owners + ([audit.practitioner_id] if audit.practitioner_id else [])


def a_responder(instance: Any, user: Any) -> str | None:
    from plugins.single_agency.responses import is_party

    if not is_party(response_of(instance).audit, user):
        return "Only the practitioner or a manager of the team can record the response."
    return None


TEAM_RESPONSE = SlaRule(
    "team_response", "Discussion and agreed actions after the audit", due=_response_due,
    remind_before=Delay(working_days=1), owners=_team_owners,
    escalate_after=(EscalationStep("service_manager"),))
HOS_FIRST_LOOK = SlaRule("hos_review", "Head of service review of an inadequate audit",
                         hours=24, escalate_after=(EscalationStep("assistant_director"),))
MEETING_DECISION = SlaRule("meeting_decision", "Decision on a multi-disciplinary action meeting",
                           due=_decision_due,
                           escalate_after=(EscalationStep("assistant_director"),))


def _response_reference(instance: Any) -> str:
    return f"{response_of(instance).audit.reference} response"


def _response_link(instance: Any) -> str:
    return f"/single_agency/audits/{response_of(instance).audit_id}/response"


RESPONSE_WORKFLOW = WorkflowDefinition(
    RESPONSE,
    states=[State("awaiting", "Discussion and actions to be recorded", sla=[TEAM_RESPONSE]),
            State("recorded", "Recorded", terminal=True)],
    transitions=[Transition("record", "Record the discussion and agreed actions", ("awaiting",),
                            "recorded", "single_agency.respond", guards=[a_responder])],
    initial="awaiting", label="Response to a case file audit",
    reference=_response_reference, link=_response_link,
)

HOS_REVIEW_WORKFLOW = WorkflowDefinition(
    HOS_REVIEW,
    states=[State("review", "Head of service review due", sla=[HOS_FIRST_LOOK]),
            State("decision", "Decision on an action meeting due", sla=[MEETING_DECISION]),
            State("decided", "Decided", terminal=True)],
    transitions=[
        Transition("review", "Record the review", ("review",), "decision",
                   "single_agency.hos_review"),
        Transition("decide", "Record the decision on an action meeting", ("decision",),
                   "decided", "single_agency.hos_review"),
    ],
    initial="review", label="Head of service review of an inadequate audit",
    reference=lambda instance: f"{response_of(instance).audit.reference} head of service review",
    link=_response_link,
)

WORKFLOWS = [AUDIT_WORKFLOW, DISPUTE_WORKFLOW, ALERT_WORKFLOW, RESPONSE_WORKFLOW,
             HOS_REVIEW_WORKFLOW]
