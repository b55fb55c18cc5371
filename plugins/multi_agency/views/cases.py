"""The audit's cases: the coordinator selects coded cases; each case's page gathers the
returns the person may see, the family's views and the agreed finding. Codes only."""

from __future__ import annotations

from flask import abort, render_template, url_for

from core.toolkit import case_panels, may_reveal, permission_required
from plugins.multi_agency import selection
from plugins.multi_agency.answers import grade_label
from plugins.multi_agency.consultation import finding_of
from plugins.multi_agency.group import blocked_reason
from plugins.multi_agency.models import MultiAgencyCase
from plugins.multi_agency.permissions import MANAGE, VIEW
from plugins.multi_agency.progress import cell_for
from plugins.multi_agency.views.common import attempt, bp, form_int, form_text, me
from plugins.multi_agency.visibility import (
    conflicted,
    find_audit,
    manages,
    may_read_case_return,
    visible_agency_ids,
)
from plugins.multi_agency.voice import KINDS, may_read, may_record, voice_of


def _cases_page(audit, errors=None):
    return render_template("multi_agency/cases.html", audit=audit, errors=errors or {},
                           manages=manages(audit),
                           candidates=selection.candidates(audit) if manages(audit) else [])


@bp.get("/<int:audit_id>/cases")
@permission_required(VIEW)
def cases(audit_id: int):
    return _cases_page(find_audit(audit_id))


@bp.post("/<int:audit_id>/cases")
@permission_required(MANAGE)
def select_case(audit_id: int):
    audit = find_audit(audit_id, MANAGE)
    return attempt(lambda: selection.select_case(audit, form_text("code"), me()),
                   "Case selected", url_for("multi_agency.cases", audit_id=audit.id),
                   lambda e: _cases_page(audit, e))


@bp.post("/<int:audit_id>/cases/remove")
@permission_required(MANAGE)
def remove_case(audit_id: int):
    audit = find_audit(audit_id, MANAGE)
    return attempt(lambda: selection.remove_case(audit, form_int("audit_case") or 0, me()),
                   "Case removed", url_for("multi_agency.cases", audit_id=audit.id),
                   lambda e: _cases_page(audit, e))


def find_audit_case(audit, code: str) -> MultiAgencyCase:
    found = selection.audit_case(audit, code)
    if found is None:
        abort(404)
    return found


@bp.get("/<int:audit_id>/cases/<code>")
@permission_required(VIEW)
def case(audit_id: int, code: str):
    audit = find_audit(audit_id)
    selected = find_audit_case(audit, code)
    user = me()
    shown = [a for a in visible_agency_ids(audit, user)
             if may_read_case_return(audit, selected, a, user)]
    returns = [(p, cell_for(selected, p.agency_id),
                blocked_reason(selected, p.agency_id, user) is None)
               for p in audit.participants if p.agency_id in shown]
    voices = [(kind, label, voice_of(selected, kind), may_record(audit, kind, user))
              for kind, label in KINDS.items()] if may_read(audit, user) else []
    return render_template(
        "multi_agency/case.html", audit=audit, selected=selected, returns=returns,
        voices=voices, finding=finding_of(selected), grade_label=grade_label,
        may_reveal=may_reveal(user, selected.case), manages=manages(audit),
        panels=case_panels(selected.case, asking="multi_agency"),
        hidden=len(audit.participants) - len(shown),
        conflicted=not audit.consultation_held and conflicted(selected, user))


def audit_case_or_404(audit_id: int, code: str, permission: str = VIEW):
    audit = find_audit(audit_id, permission)
    return audit, find_audit_case(audit, code)

