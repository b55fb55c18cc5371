"""Flags a visit carries in lists: overdue visits and reports, and visits nobody can make."""

from __future__ import annotations

from dataclasses import dataclass

from plugins.reg44 import clock
from plugins.reg44.models import Visit

REPORT_OPEN = ("drafting", "finalised")


@dataclass(frozen=True)
class Flag:
    text: str
    colour: str  # a GOV.UK tag colour


def visit_overdue(visit: Visit) -> bool:
    """Still not visited after the last working day of its month."""
    return visit.state == "scheduled" and clock.today() > visit.due_on


def report_overdue(visit: Visit) -> bool:
    """Visited, but the report was not finished and sent by the end of the visit's month."""
    return visit.state in REPORT_OPEN and visit.report_due_at is not None \
        and clock.now() > visit.report_due_at


def reported_late(visit: Visit) -> bool:
    """The report was finished after the end of the visit's month (for reports)."""
    return visit.finalised_at is not None and visit.report_due_at is not None \
        and visit.finalised_at > visit.report_due_at


def flags(visit: Visit) -> list[Flag]:
    found = []
    if visit_overdue(visit):
        found.append(Flag("Visit overdue", "red"))
    if report_overdue(visit):
        found.append(Flag("Report overdue", "red"))
    if visit.state == "scheduled" and visit.visitor_id is None:
        found.append(Flag("No independent person", "orange"))
    return found
