"""The report: the coordinator writes and publishes it; the audit's people read it; board
managers export it (and the action plan) as XLSX or PDF, marked OFFICIAL-SENSITIVE."""

from __future__ import annotations

from flask import Response, abort, render_template, request, url_for

from core.toolkit import append_access_log, db, export_pdf, export_xlsx, permission_required
from plugins.multi_agency import report as service
from plugins.multi_agency.clock import london_today
from plugins.multi_agency.permissions import EXPORT, MANAGE, VIEW
from plugins.multi_agency.reportdoc import action_plan_document, comparison_of, report_document
from plugins.multi_agency.views.common import (
    attempt,
    bp,
    check_version,
    form_int,
    form_text,
    me,
)
from plugins.multi_agency.visibility import find_audit, manages, visible_agency_ids

FORMATS = {"xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    export_xlsx),
           "pdf": ("application/pdf", export_pdf)}
READABLE = ("reported", "closed", "destroyed")


def _form_page(audit, errors=None):
    report = service.report_of(audit)
    return render_template("multi_agency/report_form.html", audit=audit, errors=errors or {},
                           report=report, parts=service.agency_parts(audit),
                           problems=service.publishing_problems(audit)
                           if audit.status == "consultation" else [])


@bp.get("/<int:audit_id>/report/edit")
@permission_required(MANAGE)
def edit_report(audit_id: int):
    return _form_page(find_audit(audit_id, MANAGE))


def _read(prefix: str) -> service.ReportText:
    return service.ReportText(*(form_text(f"{prefix}{name}") for name, _ in service.PARTS))


@bp.post("/<int:audit_id>/report/edit")
@permission_required(MANAGE)
def save_report(audit_id: int):
    audit = find_audit(audit_id, MANAGE)
    by_agency = {p.agency_id: _read(f"agency-{p.agency_id}-") for p in audit.participants}
    publish = request.form.get("action") == "publish"

    def change():
        service.save_report(audit, _read(""), by_agency, me(), form_int("report_version"))
        if publish:
            check_version(audit)
            service.publish_report(audit, me())

    target = url_for("multi_agency.report", audit_id=audit.id) if publish else \
        url_for("multi_agency.edit_report", audit_id=audit.id)
    return attempt(change, "Report published and action plan started" if publish
                   else "Report saved", target, lambda e: _form_page(audit, e))


@bp.get("/<int:audit_id>/report")
@permission_required(VIEW)
def report(audit_id: int):
    audit = find_audit(audit_id)
    if audit.status not in READABLE and not manages(audit):
        abort(404)
    return render_template("multi_agency/report.html", audit=audit,
                           document=report_document(audit), manages=manages(audit))


@bp.get("/<int:audit_id>/comparison")
@permission_required(VIEW)
def comparison(audit_id: int):
    audit = find_audit(audit_id)
    limited = not manages(audit) and not audit.consultation_held
    shown = set(visible_agency_ids(audit)) if limited else None
    return render_template("multi_agency/comparison.html", audit=audit,
                           comparison=comparison_of(audit, shown), limited=limited)


def _download(audit, document, name: str, fmt: str):
    if fmt not in FORMATS:
        abort(404)
    mimetype, write = FORMATS[fmt]
    content = write(document)
    append_access_log("multi_agency_exported", "multi_agency_audit", audit.reference, user=me(),
                      partnership_id=audit.partnership_id, detail=f"{name}.{fmt}")
    db.session.commit()
    return Response(content, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{audit.reference}-{name}.{fmt}"',
        "Cache-Control": "no-store"})


@bp.get("/<int:audit_id>/report.<fmt>")
@permission_required(EXPORT)
def export_report(audit_id: int, fmt: str):
    audit = find_audit(audit_id, EXPORT)
    if audit.status not in READABLE:
        abort(404)
    return _download(audit, report_document(audit), "report", fmt)


@bp.get("/<int:audit_id>/action-plan.<fmt>")
@permission_required(EXPORT)
def export_plan(audit_id: int, fmt: str):
    audit = find_audit(audit_id, EXPORT)
    if audit.action_plan_id is None:
        abort(404)
    return _download(audit, action_plan_document(audit, london_today()), "action-plan", fmt)
