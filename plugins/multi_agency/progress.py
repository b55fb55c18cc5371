"""Check points: who has submitted what, case by case and agency by agency.

The coordinator sees every agency; an agency's people see only their own column until the
consultation meeting (the same rule as the returns themselves). Each cell names the auditor
and the London date of submission; a return submitted after the deadline day says so in
words ("Submitted late"), not only by colour.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from plugins.multi_agency.deadlines import submitted_late, submitted_on
from plugins.multi_agency.group import auditor_for, declaration_of
from plugins.multi_agency.models import MultiAgencyAudit, MultiAgencyCase, MultiAgencyReturn
from plugins.multi_agency.returns import return_of, status_of
from plugins.multi_agency.visibility import visible_agency_ids

STATUS_LABELS = {"not_started": "Not started", "draft": "Draft",
                 "reopen_requested": "Reopen requested", "submitted": "Submitted",
                 "conflict": "Blocked: conflict declared", "undeclared": "Awaiting declaration"}
STATUS_COLOURS = {"not_started": "grey", "draft": "yellow", "reopen_requested": "orange",
                  "submitted": "green", "conflict": "red", "undeclared": "grey"}
LATE_LABEL, LATE_COLOUR = "Submitted late", "pink"


@dataclass
class Cell:
    status: str
    ret: MultiAgencyReturn | None
    auditor: Any

    @property
    def late(self) -> bool:
        """Submitted (reopening asked or not) after the end of the deadline day in London."""
        return submitted_late(self.ret) if self.ret is not None and self.ret.submitted \
            else False

    @property
    def label(self) -> str:
        return LATE_LABEL if self.status == "submitted" and self.late \
            else STATUS_LABELS[self.status]

    @property
    def colour(self) -> str:
        return LATE_COLOUR if self.status == "submitted" and self.late \
            else STATUS_COLOURS[self.status]

    @property
    def submitted_on(self) -> date | None:
        """The London date the return was submitted, for the grid."""
        return submitted_on(self.ret)


@dataclass
class Progress:
    agencies: list[Any]
    rows: list[tuple[MultiAgencyCase, dict[int, Cell]]] = field(default_factory=list)

    @property
    def expected(self) -> int:
        return sum(len(cells) for _, cells in self.rows)

    @property
    def submitted(self) -> int:
        return sum(1 for _, cells in self.rows for c in cells.values() if c.ret and c.ret.submitted)

    def submitted_by(self, agency_id: int) -> int:
        return sum(1 for _, cells in self.rows
                   if (c := cells.get(agency_id)) and c.ret and c.ret.submitted)


def cell_for(audit_case: MultiAgencyCase, agency_id: int) -> Cell:
    ret = return_of(audit_case, agency_id)
    auditor = auditor_for(audit_case, agency_id)
    status = status_of(ret)
    if ret is None and auditor is not None:
        declaration = declaration_of(audit_case, auditor)
        if declaration is None:
            status = "undeclared"
        elif declaration.conflict:
            status = "conflict"
    return Cell(status, ret, auditor)


def progress_of(audit: MultiAgencyAudit, user: Any) -> Progress:
    shown = set(visible_agency_ids(audit, user))
    participants = [p for p in audit.participants if p.agency_id in shown]
    progress = Progress([p.agency for p in participants])
    for audit_case in audit.cases:
        progress.rows.append((audit_case, {p.agency_id: cell_for(audit_case, p.agency_id)
                                           for p in participants}))
    return progress
