"""The audit's SMART actions go onto the central action tracker when the audit is accepted.

Until then they are part of the draft (the auditor may still change them after a return);
once raised, core's action tracker owns them: owners, due dates, overdue handling and the line
manager's sign-off for quality.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from core.toolkit import ActionInvalid, ActionSource, User, actions_for, db, raise_action
from plugins.single_agency.audits import AuditInvalid
from plugins.single_agency.models import Audit
from plugins.single_agency.settings import KEY


def raise_all(audit: Audit, by: Any) -> list[Any]:
    """Raise each of the audit's actions not raised yet; refuse acceptance if one cannot be."""
    raised, kept = [], []
    for action in audit.actions:
        if action.get("raised_id") is None:
            made = _raise(audit, action, by)
            action = {**action, "raised_id": made.id}
            raised.append(made)
        kept.append(action)
    audit.actions = kept
    return raised


def _raise(audit: Audit, action: dict, by: Any) -> Any:
    try:
        return raise_action(
            partnership=audit.case.partnership, what=action["what"],
            why=f"Case file audit {audit.reference} of case {audit.case.code}",
            owner_agency=audit.case.agency, owner_user=db.session.get(User, action["owner_id"]),
            due=date.fromisoformat(action["due_on"]),
            priority="safeguarding" if action.get("safeguarding") else "normal",
            source=ActionSource(KEY, audit.reference, audit.case), by=by)
    except ActionInvalid as exc:
        problem = "; ".join(exc.errors.values())
        raise AuditInvalid({"actions": f"The action “{action['what'][:60]}” cannot be raised: "
                                       f"{problem}. Return the audit so the auditor can change "
                                       "it."}) from None


def raised_for(audit: Audit, user: Any) -> list[Any]:
    """The tracker's actions from this audit that `user` may see."""
    return actions_for(ActionSource(KEY, audit.reference), user=user)
