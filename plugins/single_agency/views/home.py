"""The plugin's start page: what is waiting for the signed-in person."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.toolkit import can, db, permission_required
from plugins.single_agency.blueprint import bp
from plugins.single_agency.models import Audit, AuditResponse, Moderation
from plugins.single_agency.scope import own_team_ids, visible_audits
from plugins.single_agency.views.common import me, page

RECENT = 50


def _audits(query) -> list[Audit]:
    return list(db.session.scalars(query.options(
        selectinload(Audit.case), selectinload(Audit.team)).order_by(Audit.due_on, Audit.id)))


@bp.get("/")
@permission_required("single_agency.view")
def index():
    user = me()
    visible = visible_audits(user)
    mine = _audits(visible.where(Audit.auditor_id == user.id,
                                 Audit.state.in_(("allocated", "returned", "qa_check"))))
    checking = _audits(visible.where(Audit.state == "qa_check")) if can(
        "single_agency.qa") else []
    moderating = _audits(visible.where(Audit.id.in_(select(Moderation.audit_id).where(
        Moderation.moderator_id == user.id, Moderation.completed_at.is_(None)))))
    responding = _audits(visible.where(
        Audit.id.in_(select(AuditResponse.audit_id).where(AuditResponse.state == "awaiting")),
        (Audit.practitioner_id == user.id) | Audit.team_id.in_(own_team_ids(user))))
    others = _audits(visible.where(Audit.auditor_id.is_distinct_from(user.id),
                                   Audit.state != "proposed").limit(RECENT))
    return page("index.html", mine=mine, checking=checking, moderating=moderating,
                others=others, responding=responding, may_qa=can("single_agency.qa"),
                may_programme=can("single_agency.programme"),
                may_respond=can("single_agency.alert"),
                may_moderate=can("single_agency.moderate"))
