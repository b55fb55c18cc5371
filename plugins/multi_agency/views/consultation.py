"""The consultation meeting: record that it was held, agree findings case by case, and note
the cross-agency themes and learning."""

from __future__ import annotations

from flask import render_template, request, url_for

from core.toolkit import GRADES, NOT_APPLICABLE, permission_required
from plugins.multi_agency import consultation as service
from plugins.multi_agency import lifecycle
from plugins.multi_agency.answers import grade_label
from plugins.multi_agency.clock import london_today
from plugins.multi_agency.models import ATTENDEES
from plugins.multi_agency.permissions import MANAGE, VIEW
from plugins.multi_agency.returns import return_of
from plugins.multi_agency.views.cases import audit_case_or_404
from plugins.multi_agency.views.common import (
    attempt,
    bp,
    check_version,
    form_date,
    form_int,
    form_text,
    me,
)
from plugins.multi_agency.visibility import find_audit, manages


def _page(audit, errors=None):
    findings = [(c, service.finding_of(c)) for c in audit.cases]
    return render_template("multi_agency/consultation.html", audit=audit, errors=errors or {},
                           manages=manages(audit), findings=findings,
                           themes=service.themes_of(audit), kinds=service.THEME_KINDS,
                           grade_label=grade_label, today=london_today(),
                           attendees=ATTENDEES,
                           unsubmitted=lifecycle.unsubmitted_returns(audit)
                           if audit.status == "open" and manages(audit) else [])


@bp.get("/<int:audit_id>/consultation")
@permission_required(VIEW)
def consultation(audit_id: int):
    return _page(find_audit(audit_id))


@bp.post("/<int:audit_id>/consultation")
@permission_required(MANAGE)
def record_meeting(audit_id: int):
    audit = find_audit(audit_id, MANAGE)
    errors: dict[str, str] = {}
    held_on = form_date("held_on", errors, "The date of the meeting")
    attendees = request.form.getlist("attendees")

    def change():
        check_version(audit)
        lifecycle.record_consultation(audit, held_on, london_today(), me(), attendees)

    return attempt(change, "Consultation meeting recorded: every agency in the audit can now "
                           "read the others' returns",
                   url_for("multi_agency.consultation", audit_id=audit.id),
                   lambda e: _page(audit, e), errors)


def _finding_page(audit, selected, errors=None, given=None):
    finding = service.finding_of(selected)
    returns = [(p, return_of(selected, p.agency_id)) for p in audit.participants]
    return render_template(
        "multi_agency/finding_form.html", audit=audit, selected=selected, finding=finding,
        domains=service.core_domains(), grades=GRADES, not_applicable=NOT_APPLICABLE,
        errors=errors or {}, given=given or _given(finding), returns=returns,
        grade_label=grade_label)


def _given(finding) -> dict:
    if finding is None:
        return {"grades": {}, "overall": None, "summary": None, "dissent": None}
    return {"grades": finding.grades, "overall": finding.overall, "summary": finding.summary,
            "dissent": finding.dissent}


@bp.route("/<int:audit_id>/cases/<code>/finding", methods=["GET", "POST"])
@permission_required(MANAGE)
def finding(audit_id: int, code: str):
    audit, selected = audit_case_or_404(audit_id, code, MANAGE)
    if request.method == "GET":
        return _finding_page(audit, selected)
    given = {"grades": {k[7:]: v for k, v in request.form.items() if k.startswith("grades.")},
             "overall": form_text("overall"), "summary": form_text("summary"),
             "dissent": form_text("dissent")}
    return attempt(lambda: service.record_finding(
        audit, selected, given["grades"], given["overall"], given["summary"],
        given["dissent"], me(), form_int("version")),
        f"Finding agreed for case {selected.code}",
        url_for("multi_agency.consultation", audit_id=audit.id),
        lambda e: _finding_page(audit, selected, e, given))


@bp.post("/<int:audit_id>/themes")
@permission_required(MANAGE)
def add_theme(audit_id: int):
    audit = find_audit(audit_id, MANAGE)
    return attempt(lambda: service.add_theme(audit, form_text("kind"), form_text("title"),
                                             form_text("text"), me()),
                   "Added", url_for("multi_agency.consultation", audit_id=audit.id),
                   lambda e: _page(audit, e))


@bp.post("/<int:audit_id>/themes/<int:theme_id>/remove")
@permission_required(MANAGE)
def remove_theme(audit_id: int, theme_id: int):
    audit = find_audit(audit_id, MANAGE)
    return attempt(lambda: service.remove_theme(audit, theme_id, me()), "Removed",
                   url_for("multi_agency.consultation", audit_id=audit.id),
                   lambda e: _page(audit, e))
