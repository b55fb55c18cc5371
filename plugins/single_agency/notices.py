"""What people are told, and when. Every message names audit references and case codes only:
never a child's name or record, and never a practitioner's name in a subject line."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from core.toolkit import format_london, notify
from plugins.single_agency import people
from plugins.single_agency.models import Audit, Cycle, Dispute, SafetyAlert


def audit_link(audit: Audit) -> str:
    return f"/single_agency/audits/{audit.id}"


def cycle_link(cycle: Cycle) -> str:
    return f"/single_agency/cycles/{cycle.id}"


def _tell(recipients: Iterable[Any], event: str, subject: str, body: str, link: str,
          partnership_id: int, urgent: bool = False) -> None:
    notify([r for r in recipients if r is not None], f"single_agency.{event}", subject, body,
           link=link, partnership_id=partnership_id, urgent=urgent)


def sample_drawn(cycle: Cycle, count: int) -> None:
    _tell(people.qa_team(cycle.agency_id), "sample_drawn",
          f"{cycle.title}: sample drawn, allocations to review",
          f"{count} cases have been drawn for {cycle.title} and auditors proposed. Check the "
          "allocations and send them.", cycle_link(cycle), cycle.partnership_id)


def allocated(audit: Audit) -> None:
    due = audit.due_on.strftime("%-d %B %Y")
    _tell([audit.auditor], "allocated", f"Audit {audit.reference} allocated to you",
          f"You have been allocated audit {audit.reference} of case {audit.case.code}, due by "
          f"{due}. Arrange the reflective conversation with the practitioner.",
          audit_link(audit), audit.partnership_id)
    _tell([audit.practitioner, *people.team_managers(audit.team_id)], "case_selected",
          f"Case {audit.case.code} will be audited this cycle",
          f"Case {audit.case.code} has been selected for audit {audit.reference}, due by {due}."
          " The auditor will contact the practitioner to arrange a reflective conversation.",
          audit_link(audit), audit.partnership_id)


def alert_raised(alert: SafetyAlert, due: Any) -> None:
    audit = alert.audit
    managers = [*people.team_managers(audit.team_id),
                *people.on_the_line(audit.partnership_id, audit.agency_id, audit.team_id,
                                    "service_manager")]
    _tell(managers, "safety_alert",
          f"Safety alert on case {audit.case.code}: response needed within 24 hours",
          f"Audit {audit.reference} raised a safety alert on case {audit.case.code}. Respond "
          f"the same day and no later than {format_london(due)}.",
          audit_link(audit), audit.partnership_id, urgent=True)


def returned(audit: Audit) -> None:
    _tell([audit.auditor], "returned", f"Audit {audit.reference} returned for amendment",
          f"The QA team returned audit {audit.reference} with comments. Amend it within "
          "3 working days.", audit_link(audit), audit.partnership_id)


def accepted(audit: Audit) -> None:
    _tell([audit.auditor], "accepted", f"Audit {audit.reference} accepted",
          f"The QA team accepted audit {audit.reference}.", audit_link(audit),
          audit.partnership_id)


def moderator_assigned(audit: Audit, moderator: Any) -> None:
    _tell([moderator], "moderation_assigned", f"Moderate audit {audit.reference}",
          f"You have been asked to moderate audit {audit.reference}.", audit_link(audit),
          audit.partnership_id)


def moderated(audit: Audit, outcome: str) -> None:
    _tell([audit.auditor, *people.qa_team(audit.agency_id)], "moderated",
          f"Audit {audit.reference} moderated: overall grade {outcome}",
          f"The moderator {outcome} the overall grade of audit {audit.reference}.",
          audit_link(audit), audit.partnership_id)


def dispute_moved(dispute: Dispute, what: str, extra: Iterable[Any] = ()) -> None:
    audit = dispute.audit
    told = [audit.auditor, dispute.raised_by, *people.team_managers(audit.team_id),
            *people.qa_team(audit.agency_id), *extra]
    _tell(told, "dispute", f"Dispute about audit {audit.reference}: {what}",
          f"The dispute about the grades of audit {audit.reference} {what}.",
          audit_link(audit), audit.partnership_id)


def reaudit_escalated(audit: Audit, recipients: list[Any], level: int) -> None:
    which = "re-audit" if level == 1 else "second re-audit"
    _tell(recipients, "reaudit_escalation",
          f"Re-audit {audit.reference} graded no better than before",
          f"The {which} of case {audit.case.code} ({audit.reference}) is graded the same as or "
          "lower than the audit before it. Follow up the actions agreed with the team manager "
          "and practitioner.", audit_link(audit), audit.partnership_id)


def report_shared(audit: Audit, recipients: list[Any], due: Any) -> None:
    grade = (audit.final_grade or "").replace("_", " ")
    _tell(recipients, "report_shared", f"Audit {audit.reference} report: grade {grade}",
          f"The QA team accepted audit {audit.reference} of case {audit.case.code}, graded "
          f"{grade}. The team manager and practitioner should discuss it and record the actions "
          f"they agree by {due.strftime('%-d %B %Y')}.", f"{audit_link(audit)}/response",
          audit.partnership_id)


def hos_review_needed(audit: Audit, recipients: list[Any]) -> None:
    _tell(recipients, "hos_review",
          f"Inadequate audit {audit.reference}: your review is needed within 24 hours",
          f"Audit {audit.reference} of case {audit.case.code} is graded inadequate. Review the "
          "case within 24 hours and decide within 3 working days whether a multi-disciplinary "
          "action meeting is needed.", f"{audit_link(audit)}/response", audit.partnership_id,
          urgent=True)


def response_recorded(audit: Audit) -> None:
    _tell([audit.auditor, *people.qa_team(audit.agency_id)], "response_recorded",
          f"Audit {audit.reference}: the team's response is recorded",
          f"The team manager and practitioner recorded their discussion of audit "
          f"{audit.reference} and the actions they agreed.", f"{audit_link(audit)}/response",
          audit.partnership_id)


def make_a_difference_drafted(audit: Audit) -> None:
    _tell(people.qa_team(audit.agency_id), "make_a_difference",
          f"Audit {audit.reference}: a Make a Difference summary to publish",
          f"Audit {audit.reference} is graded good or better. A Make a Difference summary has "
          "been drafted from its strengths: check it and publish it in the briefing.",
          "/single_agency/make-a-difference", audit.partnership_id)
