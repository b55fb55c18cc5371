"""The audit itself: the overview (a task list) and one page per section for the auditor.

Each section page posts the audit's version with the form. A stale version re-renders the page
with what was typed and a conflict message (409), so nothing typed is lost; a save that passes
commits at once, so the auditor can stop at any point and come back to the draft.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, redirect, request, url_for

from core.toolkit import (
    NOT_APPLICABLE,
    can,
    case_panels,
    db,
    format_london,
    instances_for,
    may_reveal,
    permission_required,
)
from plugins.single_agency import alerts, difference, disputes, grading, history, people, responses
from plugins.single_agency import audits as service
from plugins.single_agency.actions import raised_for
from plugins.single_agency.audits import (
    CONTACT_OUTCOMES,
    CONTACT_WITH,
    PARTICIPANTS,
    AuditInvalid,
    StaleAudit,
)
from plugins.single_agency.blueprint import bp
from plugins.single_agency.models import Audit, Dispute
from plugins.single_agency.scope import audit_or_404
from plugins.single_agency.settings import KEY
from plugins.single_agency.views.common import CONFLICT, me, page, status_for
from plugins.single_agency.workflow import AUDIT

STATE_LABELS = {"proposed": "Proposed, not yet sent", "allocated": "In progress",
                "qa_check": "Waiting for the QA check", "returned": "Returned for amendment",
                "accepted": "Accepted", "cancelled": "Cancelled"}


# --- the overview ------------------------------------------------------------------------------


def sections(audit: Audit) -> list[dict[str, Any]]:
    """The task list: each section, its page and how far it has got."""
    after_done = audit.conversation_on is not None and not service.after_problems(audit)
    rows = [
        ("file_review", "File review and grading", "single_agency.file_review",
         "Completed" if audit.file_review_done_at else _started(audit.file_review)),
        ("safety", "Immediate-response check", "single_agency.safety",
         "Completed" if audit.supervision_recent is not None else "Not yet started"),
        ("conversation", "Reflective conversation", "single_agency.conversation",
         "Completed" if audit.conversation_on else
         "Not yet started" if audit.file_review_done_at else "Cannot start yet"),
        ("after", "Grading after the conversation", "single_agency.after_conversation",
         "Completed" if after_done else "In progress" if audit.conversation_on
         else "Cannot start yet"),
        ("family", "Family and child feedback", "single_agency.family",
         "Completed" if audit.contacts else "Not yet started"),
        ("summary", "Strengths, development and actions", "single_agency.summary",
         "Completed" if audit.strengths and audit.development else "Not yet started"),
    ]
    return [{"key": k, "title": t, "endpoint": e, "status": s} for k, t, e, s in rows]


def _started(draft: dict) -> str:
    return "In progress" if draft else "Not yet started"


@bp.get("/audits/<int:audit_id>")
@permission_required("single_agency.view")
def show(audit_id: int):
    return overview(audit_or_404(audit_id))


def overview(audit: Audit, errors: dict[str, str] | None = None):
    """The audit page; with `errors` (a refused submit or QA step), shown above everything."""
    instance = instances_for(AUDIT, audit.id, AUDIT)
    return page(
        "audit.html", status_for(errors or {}), errors=errors or {}, audit=audit,
        tool=service.tool_of(audit), sections=sections(audit), states=STATE_LABELS,
        stages=history.by_stage(audit), labels=grading.LABELS, alerts=alerts.alerts_of(audit),
        disputes=_disputes(audit), trail=instance[-1].log if instance else [],
        people=_names(instance), format_london=format_london, participants=PARTICIPANTS,
        contact_with=CONTACT_WITH, outcomes=CONTACT_OUTCOMES, owners=_owners(audit),
        problems=service.submission_problems(audit) if audit.state in service.EDITABLE else {},
        tracked=raised_for(audit, me()), panels=case_panels(audit.case, asking=KEY),
        response=responses.response_of(audit), highlight=difference.summary_of(audit),
        **_may(audit, me()))


def _may(audit: Audit, user: Any) -> dict[str, bool]:
    """What the person may do on the audit page (the services check again on each post)."""
    qa = can("single_agency.qa", audit)
    return {
        "may_edit": service.edit_refusal(audit, user) is None,
        "may_check": audit.state == "qa_check" and qa and audit.auditor_id != user.id,
        "may_cancel": audit.state in ("allocated", "returned") and qa,
        "may_reveal": may_reveal(user, audit.case),
        "may_dispute": disputes.refusal_to_raise(audit, user) is None,
        "may_request_moderation": audit.state == "accepted" and audit.moderation is None and qa,
    }


def _disputes(audit: Audit) -> list[Dispute]:
    return list(db.session.scalars(db.select(Dispute).where(Dispute.audit_id == audit.id)
                                   .order_by(Dispute.id)))


def _names(instances: list) -> dict[int, str]:
    ids = {e.user_id for i in instances for e in i.log if e.user_id}
    return {u.id: u.name for u in people.users(ids)}


def _owners(audit: Audit) -> dict[int, Any]:
    found = {u.id: u for u in people.team_managers(audit.team_id)}
    if audit.practitioner is not None:
        found[audit.practitioner.id] = audit.practitioner
    return found


# --- saving a section ------------------------------------------------------------------------


def _save(audit: Audit, template: str, context: Callable[[dict], dict],
          action: Callable[[], Any], done: str, then: str = "single_agency.show"):
    """Run `action`; on success commit and go back to the overview; otherwise show the page
    again with what was typed, the errors, or the conflict."""
    try:
        problems = action() or {}
    except StaleAudit:
        db.session.rollback()
        fresh = audit_or_404(audit.id)
        return page(template, 409, **context(_posted() | {"version": fresh.version}),
                    conflict=CONFLICT, audit=fresh)
    except AuditInvalid as exc:
        db.session.rollback()
        return page(template, status_for(exc.errors), errors=exc.errors,
                    **context(_posted()), audit=audit_or_404(audit.id))
    db.session.commit()
    if isinstance(problems, dict) and problems:
        flash("Your draft has been saved. It needs more before it can be finished.")
        return page(template, 400, errors=problems, audit=audit,
                    **context(_posted() | {"version": audit.version}))
    flash(done, "success")
    return redirect(url_for(then, audit_id=audit.id))


def _posted() -> dict:
    values = dict(request.form)
    for name in ("conversation_with",):
        values[name] = request.form.getlist(name)
    return values


def _unless_editable(audit: Audit):
    """Back to the overview, saying why, when the person may not change the audit now."""
    refusal = service.edit_refusal(audit, me())
    if refusal:
        flash(refusal)
        return redirect(url_for("single_agency.show", audit_id=audit.id))
    return None


# --- the file review and the grading after the conversation ------------------------------------


def draft_values(tool, draft: dict, overall: dict, version: int) -> dict[str, Any]:
    values: dict[str, Any] = {"version": version, "overall-choice": overall.get("choice", ""),
                              "overall-reason": overall.get("reason", "")}
    for domain in tool.domains:
        entry = draft.get(domain.code, {})
        values[f"{domain.code}-grade"] = entry.get("grade") or ""
        score = entry.get("score")
        values[f"{domain.code}-score"] = "" if score is None else str(score)
        values[f"{domain.code}-na"] = "yes" if entry.get("na") else ""
        values[f"{domain.code}-evidence"] = entry.get("evidence", "")
        for code, answer in entry.get("answers", {}).items():
            values[f"q-{code}"] = answer
    return values


def _grading_context(audit: Audit, stage: str) -> Callable[[dict], dict]:
    tool = service.tool_of(audit)

    def context(values: dict) -> dict:
        return {"tool": tool, "values": values, "stage": stage, "grades": grading.LABELS,
                    "not_applicable": NOT_APPLICABLE, "yes_no": grading.YES_NO_PARTLY,
                    "file_review": audit.file_review, "has_text": grading.has_text_questions}
    return context


@bp.route("/audits/<int:audit_id>/file-review", methods=["GET", "POST"])
@permission_required("single_agency.audit")
def file_review(audit_id: int):
    audit = audit_or_404(audit_id)
    context = _grading_context(audit, "file_review")
    if request.method == "GET" or audit.file_review_done_at:
        values = draft_values(context({})["tool"], audit.file_review, audit.file_review_overall,
                              audit.version)
        return page("file_review.html", audit=audit, **context(values))
    if (refused := _unless_editable(audit)) is not None:
        return refused
    finish = request.form.get("action") == "finish"
    return _save(audit, "file_review.html", context,
                 lambda: service.save_file_review(audit, request.form, me(), finish=finish),
                 "File review finished: its grades are recorded" if finish
                 else "Your file review has been saved as a draft")


@bp.route("/audits/<int:audit_id>/after-conversation", methods=["GET", "POST"])
@permission_required("single_agency.audit")
def after_conversation(audit_id: int):
    audit = audit_or_404(audit_id)
    context = _grading_context(audit, "after_conversation")
    if request.method == "GET":
        values = draft_values(context({})["tool"], audit.after, audit.after_overall,
                              audit.version)
        return page("after_conversation.html", audit=audit, **context(values))
    if (refused := _unless_editable(audit)) is not None:
        return refused
    return _save(audit, "after_conversation.html", context,
                 lambda: service.save_after_conversation(audit, request.form, me()),
                 "Your grading after the conversation has been saved")


# --- the other sections --------------------------------------------------------------------


def _plain(extra: dict | None = None) -> Callable[[dict], dict]:
    def context(values: dict) -> dict:
        return dict(values=values, **(extra or {}))
    return context


@bp.route("/audits/<int:audit_id>/conversation", methods=["GET", "POST"])
@permission_required("single_agency.audit")
def conversation(audit_id: int):
    audit = audit_or_404(audit_id)
    context = _plain({"participants": PARTICIPANTS})
    if request.method == "GET":
        held = audit.conversation_on
        values = {"version": audit.version, "conversation_with": audit.conversation_with,
                  "conversation_notes": audit.conversation_notes or "",
                  "conversation-day": held.day if held else "",
                  "conversation-month": held.month if held else "",
                  "conversation-year": held.year if held else ""}
        return page("conversation.html", audit=audit, **context(values))
    if (refused := _unless_editable(audit)) is not None:
        return refused
    return _save(audit, "conversation.html", context,
                 lambda: service.save_conversation(audit, request.form, me(),
                                                   request.form.getlist("conversation_with")),
                 "The conversation has been recorded: now grade the audit again")


@bp.route("/audits/<int:audit_id>/safety", methods=["GET", "POST"])
@permission_required("single_agency.audit")
def safety(audit_id: int):
    audit = audit_or_404(audit_id)
    context = _plain()
    if request.method == "GET":
        values = {"version": audit.version,
                  "child_safety_concern": _yes_no(audit.child_safety_concern),
                  "supervision_recent": _yes_no(audit.supervision_recent),
                  "safety_notes": audit.safety_notes or ""}
        return page("safety.html", audit=audit, **context(values))
    if (refused := _unless_editable(audit)) is not None:
        return refused
    raised: list = []

    def action():
        raised.extend(service.save_safety_check(audit, request.form, me()))

    response = _save(audit, "safety.html", context, action, "The immediate-response check has "
                     "been saved")
    if raised:
        flash("A safety alert has been raised: the team manager and service manager have been "
              "told and must respond within 24 hours.", "success")
    return response


def _yes_no(value: bool | None) -> str:
    return "" if value is None else "yes" if value else "no"


@bp.route("/audits/<int:audit_id>/family", methods=["GET", "POST"])
@permission_required("single_agency.audit")
def family(audit_id: int):
    audit = audit_or_404(audit_id)
    context = _plain({"contact_with": CONTACT_WITH, "outcomes": CONTACT_OUTCOMES})
    if request.method == "GET":
        return page("family.html", audit=audit, **context({"by_whom": "Auditor"}))
    if (refused := _unless_editable(audit)) is not None:
        return refused
    return _save(audit, "family.html", context,
                 lambda: service.add_contact(audit, request.form, me()) and None,
                 "The contact with the family has been recorded")


@bp.route("/audits/<int:audit_id>/summary", methods=["GET", "POST"])
@permission_required("single_agency.audit")
def summary(audit_id: int):
    audit = audit_or_404(audit_id)
    context = _plain({"owners": _owners(audit)})
    if request.method == "GET":
        values = {"version": audit.version, "strengths": audit.strengths or "",
                  "development": audit.development or ""}
        return page("summary.html", audit=audit, **context(values))
    if (refused := _unless_editable(audit)) is not None:
        return refused
    return _save(audit, "summary.html", context,
                 lambda: service.save_summary(audit, request.form, me()),
                 "Strengths and areas for development saved")


@bp.post("/audits/<int:audit_id>/actions")
@permission_required("single_agency.audit")
def add_action(audit_id: int):
    audit = audit_or_404(audit_id)
    owners = _owners(audit)
    if (refused := _unless_editable(audit)) is not None:
        return refused
    context = _plain({"owners": owners})
    return _save(audit, "summary.html", context,
                 lambda: service.add_action(audit, request.form, me(), owners) and None,
                 "The action has been added", then="single_agency.summary")


@bp.post("/audits/<int:audit_id>/actions/<action_id>/remove")
@permission_required("single_agency.audit")
def remove_action(audit_id: int, action_id: str):
    audit = audit_or_404(audit_id)
    if (refused := _unless_editable(audit)) is not None:
        return refused
    context = _plain({"owners": _owners(audit)})
    return _save(audit, "summary.html", context,
                 lambda: service.remove_action(audit, action_id, me(),
                                               request.form.get("version")),
                 "The action has been removed", then="single_agency.summary")
