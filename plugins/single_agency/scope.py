"""Who may see which audits, as query filters (so scoping lives in SQL, not templates).

- People who hold `single_agency.view_all` (the QA team, service managers, heads of service,
  assistant directors, the director, the PSW) see every audit of their council.
- Everyone else who holds `single_agency.view` sees the audits of their own team's cases, and
  the audits they carry out, moderate or are the practitioner of. A practitioner in another
  team, or in a partner agency, gets the same 404 as for an audit that does not exist.
- Proposed allocations stay with the QA team until they are sent.
"""

from __future__ import annotations

from typing import Any

from flask import abort
from sqlalchemy import Select, or_, select

from core.toolkit import current_user, db, roles_with, scoped
from plugins.single_agency.models import Audit, Dispute, Moderation, SafetyAlert


def _me(user: Any) -> Any:
    return current_user if user is None else user


def own_team_ids(user: Any) -> set[int]:
    roles = roles_with("single_agency.view")
    return {m.team_id for m in user.memberships if m.role in roles and m.team_id}


def visible_audits(user: Any = None) -> Select:
    user = _me(user)
    council = scoped(Audit, "single_agency.view_all", user).with_only_columns(Audit.id)
    qa = scoped(Audit, "single_agency.qa", user).with_only_columns(Audit.id)
    moderating = select(Moderation.audit_id).where(Moderation.moderator_id == user.id)
    seen = or_(Audit.id.in_(council), Audit.team_id.in_(own_team_ids(user)),
               Audit.auditor_id == user.id, Audit.practitioner_id == user.id,
               Audit.id.in_(moderating))
    return select(Audit).where(seen, or_(Audit.state != "proposed", Audit.id.in_(qa)))


def audit_or_404(audit_id: int, user: Any = None) -> Audit:
    audit = db.session.scalar(visible_audits(user).where(Audit.id == audit_id))
    if audit is None:
        abort(404)
    return audit


def dispute_or_404(dispute_id: int) -> Dispute:
    dispute = db.session.get(Dispute, dispute_id)
    if dispute is None:
        abort(404)
    audit_or_404(dispute.audit_id)
    return dispute


def alert_or_404(alert_id: int) -> SafetyAlert:
    alert = db.session.get(SafetyAlert, alert_id)
    if alert is None:
        abort(404)
    audit_or_404(alert.audit_id)
    return alert
