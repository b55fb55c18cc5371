"""Action plans for export: the actions a person sees, through the action tracker's own query.

Rows come from `core.actions.queries.action_rows(user, filters)`, which scopes them and carries
case codes only. Columns follow the row's keys, so a column added there appears in exports
without a change here; the PDF keeps the columns that fit a landscape page.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.actions.queries import action_rows

HEADINGS = {
    "reference": "Reference", "partnership": "Partnership", "plan": "Plan", "what": "Action",
    "why": "Why (finding)", "source_activity": "Source activity",
    "source_reference": "Source reference", "case_code": "Case code", "agency": "Agency",
    "team": "Team", "owner": "Owner", "priority": "Priority", "status": "Status",
    "due_date": "Due date", "overdue": "Overdue", "completed_on": "Completed on",
    "signed_off_on": "Signed off on", "sign_off_judgement": "Sign-off judgement",
    "difference_review": "Made a difference?",
}
# (key, share of the page width) for the PDF.
PDF_COLUMNS = (("reference", 1.1), ("what", 3.2), ("case_code", 1.5), ("agency", 1.7),
               ("owner", 1.5), ("priority", 1.4), ("status", 1.5), ("due_date", 1.1),
               ("overdue", 0.9))


def heading(key: str) -> str:
    return HEADINGS.get(key, key.replace("_", " ").capitalize())


def plan_rows(user: Any, filters: Mapping[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """(column keys, rows as lists in that order) of the actions `user` sees under `filters`."""
    found = action_rows(user, dict(filters))
    keys = list(found[0]) if found else list(HEADINGS)
    return keys, [[row.get(k) for k in keys] for row in found]


def pdf_view(keys: list[str], rows: list[list[Any]]
             ) -> tuple[list[str], list[list[Any]], list[float]]:
    """The PDF's columns: headings, rows and relative widths."""
    chosen = [(keys.index(k), k, w) for k, w in PDF_COLUMNS if k in keys]
    return ([heading(k) for _, k, _ in chosen],
            [[row[i] for i, _, _ in chosen] for row in rows],
            [w for _, _, w in chosen])
