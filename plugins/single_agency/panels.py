"""What this activity tells other activities' pages about a case: its audits and grades."""

from __future__ import annotations

from typing import Any

from core.toolkit import CasePanel, PanelItem, db
from plugins.single_agency.grading import grade_label
from plugins.single_agency.models import Audit
from plugins.single_agency.scope import visible_audits
from plugins.single_agency.settings import KEY

STATES = {"allocated": "in progress", "qa_check": "waiting for the QA check",
          "returned": "returned for amendment", "accepted": "accepted", "cancelled": "cancelled"}


def audits_panel(case: Any, user: Any) -> list[CasePanel]:
    """The case's audits the person may open, newest first; nothing if there are none."""
    audits = db.session.scalars(visible_audits(user).where(
        Audit.case_id == case.id, Audit.state != "proposed").order_by(Audit.id.desc())).all()
    if not audits:
        return []
    items = [PanelItem(a.due_on.strftime("%B %Y"), f"{a.reference}: {STATES[a.state]}",
                       hint=grade_label(a.final_grade) if a.final_grade else "",
                       url=f"/single_agency/audits/{a.id}") for a in audits]
    return [CasePanel(f"{KEY}.audits", "Case file audits", f"{KEY}.view", items=items)]
