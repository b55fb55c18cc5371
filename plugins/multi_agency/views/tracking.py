"""The partnership action plan: actions raised to agencies (tracked in core's action
tracker) with their RAG status, and the sub-committee's reviews."""

from __future__ import annotations

from flask import render_template, url_for

from core.toolkit import can, permission_required
from plugins.multi_agency import tracking as service
from plugins.multi_agency.clock import london_today
from plugins.multi_agency.permissions import MANAGE, TRACK, VIEW
from plugins.multi_agency.views.common import (
    attempt,
    bp,
    form_date,
    form_int,
    form_text,
    me,
)
from plugins.multi_agency.visibility import find_audit, manages


def _page(audit, errors=None, given=None):
    today = london_today()
    actions = [(a, service.rag_of(a, today)) for a in service.audit_actions(audit)]
    return render_template(
        "multi_agency/actions.html", audit=audit, errors=errors or {}, given=given or {},
        plan=service.plan_of(audit), actions=actions, reviews=service.reviews_of(audit),
        rag=service.RAG, rag_colours=service.RAG_COLOURS, manages=manages(audit),
        tracks=_tracks(audit), until=service.tracking_until(audit))


def _tracks(audit) -> bool:
    return can(TRACK, audit)


@bp.get("/<int:audit_id>/actions")
@permission_required(VIEW)
def actions(audit_id: int):
    return _page(find_audit(audit_id))


@bp.post("/<int:audit_id>/actions")
@permission_required(MANAGE)
def add_action(audit_id: int):
    audit = find_audit(audit_id, MANAGE)
    errors: dict[str, str] = {}
    given = {"what": form_text("what"), "why": form_text("why"),
             "owner_agency": form_int("owner_agency"), "owner_email": form_text("owner_email"),
             "priority": form_text("priority") or "normal"}
    due = form_date("due_date", errors, "The due date")
    new = service.NewAction(given["what"], given["why"], given["owner_agency"],
                            given["owner_email"], due, given["priority"])
    return attempt(lambda: service.add_action(audit, new, me()), "Action added to the plan",
                   url_for("multi_agency.actions", audit_id=audit.id),
                   lambda e: _page(audit, e, given), errors)


@bp.post("/<int:audit_id>/reviews")
@permission_required(TRACK)
def add_review(audit_id: int):
    audit = find_audit(audit_id, TRACK)
    errors: dict[str, str] = {}
    held_on = form_date("held_on", errors, "The date of the review")
    next_on = form_date("next_review_on", errors, "The next review date")
    return attempt(lambda: service.add_review(audit, held_on, form_text("rag"),
                                              form_text("impact"), next_on, london_today(),
                                              me()),
                   "Review recorded", url_for("multi_agency.actions", audit_id=audit.id),
                   lambda e: _page(audit, e))
