"""An agency's return for a case: the auditor's form (draft, submit, withheld information,
asking to reopen), everyone else's read-only view, and the coordinator's check points."""

from __future__ import annotations

from flask import abort, render_template, request, url_for

from core.toolkit import (
    GRADES,
    NOT_APPLICABLE,
    WITHHELD_BASES,
    permission_required,
    record_withheld,
    withheld_errors,
    withheld_records,
)
from plugins.multi_agency import returns as service
from plugins.multi_agency.answers import YES_NO_PARTLY, ReturnInput, grade_label
from plugins.multi_agency.clock import london_today
from plugins.multi_agency.group import auditor_for, blocked_reason
from plugins.multi_agency.permissions import MANAGE, RETURN, VIEW
from plugins.multi_agency.problems import Invalid, Refused
from plugins.multi_agency.progress import progress_of
from plugins.multi_agency.toolset import current_tools, tools_of
from plugins.multi_agency.views.cases import audit_case_or_404
from plugins.multi_agency.views.common import attempt, bp, form_date, form_int, form_text, me
from plugins.multi_agency.visibility import (
    CONFLICTED,
    find_audit,
    manages,
    may_read_case_return,
    may_see_return,
)


def _participant(audit, agency_id: int):
    participant = audit.participant(agency_id)
    if participant is None:
        abort(404)
    return participant


def _editable(audit, selected, agency_id: int, ret) -> bool:
    return audit.status == "open" and blocked_reason(selected, agency_id, me()) is None and \
        (ret is None or not ret.submitted)


def _page(audit, selected, participant, errors=None, given=None):
    ret = service.return_of(selected, participant.agency_id)
    tools = tools_of(ret) if ret else current_tools(participant.agency.type)
    auditor = auditor_for(selected, participant.agency_id)
    return render_template(
        "multi_agency/return.html", audit=audit, selected=selected, participant=participant,
        ret=ret, tools=tools, errors=errors or {}, given=given or _given(ret),
        editable=_editable(audit, selected, participant.agency_id, ret),
        blocked=blocked_reason(selected, participant.agency_id, me()), auditor=auditor,
        is_auditor=auditor is not None and auditor.id == me().id,
        status=service.status_of(ret), manages=manages(audit),
        withheld=withheld_records(selected.case, participant.agency_id, audit.reference),
        grades=GRADES, not_applicable=NOT_APPLICABLE, yes_no_partly=YES_NO_PARTLY,
        bases=WITHHELD_BASES, grade_label=grade_label)


def _given(ret) -> ReturnInput:
    if ret is None:
        return ReturnInput()
    return ReturnInput(ret.no_involvement, dict(ret.grades), dict(ret.answers),
                       ret.overall_chosen, None, ret.override_reason, ret.evidence,
                       ret.what_worked, ret.what_did_not)


def _read_form() -> ReturnInput:
    form = request.form
    return ReturnInput(
        no_involvement=form.get("no_involvement") == "yes",
        grades={k[7:]: v for k, v in form.items() if k.startswith("grades.") and v},
        answers={k[8:]: v for k, v in form.items() if k.startswith("answers.") and v},
        overall=form.get("overall") or None, override=form.get("override") or None,
        override_reason=form.get("override_reason"), evidence=form.get("evidence"),
        what_worked=form.get("what_worked"), what_did_not=form.get("what_did_not"))


def _target(audit, selected, agency_id: int) -> str:
    return url_for("multi_agency.agency_return", audit_id=audit.id, code=selected.code,
                   agency_id=agency_id)


@bp.get("/<int:audit_id>/cases/<code>/returns/<int:agency_id>")
@permission_required(VIEW)
def agency_return(audit_id: int, code: str, agency_id: int):
    audit, selected = audit_case_or_404(audit_id, code)
    participant = _participant(audit, agency_id)
    if not may_see_return(audit, agency_id):
        abort(404)
    if not may_read_case_return(audit, selected, agency_id):
        return render_template("multi_agency/refused.html", message=CONFLICTED, back=url_for(
            "multi_agency.case", audit_id=audit.id, code=selected.code)), 403
    return _page(audit, selected, participant)


@bp.post("/<int:audit_id>/cases/<code>/returns/<int:agency_id>")
@permission_required(RETURN)
def save_return(audit_id: int, code: str, agency_id: int):
    audit, selected = audit_case_or_404(audit_id, code, RETURN)
    participant = _participant(audit, agency_id)
    given, submit = _read_form(), request.form.get("action") == "submit"

    def change():
        service.save_return(audit, selected, agency_id, me(), given, submit=submit,
                            seen_version=form_int("version"))

    return attempt(change, "Return submitted" if submit else "Draft saved",
                   _target(audit, selected, agency_id),
                   lambda e: _page(audit, selected, participant, e, given))


@bp.post("/<int:audit_id>/cases/<code>/returns/<int:agency_id>/withheld")
@permission_required(RETURN)
def withheld(audit_id: int, code: str, agency_id: int):
    """Record that the agency withheld information (the fact and basis, never the content)."""
    audit, selected = audit_case_or_404(audit_id, code, RETURN)
    participant = _participant(audit, agency_id)
    basis, decided_by = form_text("basis"), form_text("decided_by")

    def change():
        service.editable_return(audit, selected, agency_id, me())
        errors = withheld_errors(basis, decided_by)
        if errors:
            raise Invalid(errors)
        record_withheld(selected.case, participant.agency, basis, decided_by, audit.reference,
                        me())

    return attempt(change, "Withheld information recorded", _target(audit, selected, agency_id),
                   lambda e: _page(audit, selected, participant, e))


@bp.post("/<int:audit_id>/cases/<code>/returns/<int:agency_id>/reopen-request")
@permission_required(RETURN)
def request_reopen(audit_id: int, code: str, agency_id: int):
    audit, selected = audit_case_or_404(audit_id, code, RETURN)
    participant = _participant(audit, agency_id)

    def change():
        ret = service.return_of(selected, agency_id)
        if ret is None:
            raise Refused("There is no return to reopen.", "missing")
        service.request_reopen(ret, me(), form_text("reopen_reason"))

    return attempt(change, "The coordinator has been asked to reopen the return",
                   _target(audit, selected, agency_id),
                   lambda e: _page(audit, selected, participant, e))


@bp.post("/<int:audit_id>/cases/<code>/returns/<int:agency_id>/reopen")
@permission_required(MANAGE)
def reopen(audit_id: int, code: str, agency_id: int):
    audit, selected = audit_case_or_404(audit_id, code, MANAGE)
    participant = _participant(audit, agency_id)

    def change():
        ret = service.return_of(selected, agency_id)
        if ret is None:
            raise Refused("There is no return to reopen.", "missing")
        service.reopen(ret, me())

    return attempt(change, "Return reopened", _target(audit, selected, agency_id),
                   lambda e: _page(audit, selected, participant, e))


@bp.post("/<int:audit_id>/cases/<code>/returns/<int:agency_id>/practitioner-feedback")
@permission_required(RETURN)
def practitioner_feedback(audit_id: int, code: str, agency_id: int):
    """The auditor records the day they gave the practitioner feedback on the audit."""
    audit, selected = audit_case_or_404(audit_id, code, RETURN)
    participant = _participant(audit, agency_id)
    errors: dict[str, str] = {}
    on = form_date("feedback_on", errors, "The date of the feedback")

    def change():
        ret = service.return_of(selected, agency_id)
        if ret is None:
            raise Refused("There is no return yet.", "missing")
        service.record_practitioner_feedback(ret, on, london_today(), me())

    return attempt(change, "Feedback to the practitioner recorded",
                   _target(audit, selected, agency_id),
                   lambda e: _page(audit, selected, participant, e), errors)


@bp.get("/<int:audit_id>/progress")
@permission_required(VIEW)
def progress(audit_id: int):
    audit = find_audit(audit_id)
    return render_template("multi_agency/progress.html", audit=audit, manages=manages(audit),
                           progress=progress_of(audit, me()))
