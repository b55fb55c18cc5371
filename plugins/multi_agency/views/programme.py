"""Planning pages: the list of audits, planning one, its overview, timetable and briefings."""

from __future__ import annotations

from flask import abort, render_template, request, url_for

from core.toolkit import (
    ALLOWED_DOCUMENT_KINDS,
    Document,
    DocumentTooLarge,
    can,
    db,
    discard_document,
    document_label,
    document_max_bytes,
    download_view,
    permission_required,
    send_document,
    visible_partnerships,
)
from plugins.multi_agency import lifecycle, programme
from plugins.multi_agency.clock import london_today
from plugins.multi_agency.group import cases_of_auditor
from plugins.multi_agency.models import (
    MultiAgencyAudit,
    MultiAgencyBriefing,
    MultiAgencyCheckpoint,
)
from plugins.multi_agency.permissions import EXPORT, MANAGE, VIEW
from plugins.multi_agency.progress import progress_of
from plugins.multi_agency.report import publishing_problems
from plugins.multi_agency.views.common import (
    attempt,
    bp,
    check_version,
    form_date,
    form_int,
    form_text,
    me,
)
from plugins.multi_agency.visibility import find_audit, manages, visible_audits
from plugins.multi_agency.voice import KINDS, may_record

DATE_LABELS = dict(programme.TIMETABLE)
FORM_OVERHEAD = 64 * 1024  # multipart boundaries and the other fields around the file


@bp.get("/")
@permission_required(VIEW)
def index():
    audits = db.session.scalars(visible_audits()).all()
    return render_template("multi_agency/index.html", audits=audits, may_plan=can(MANAGE))


def _read_programme(errors: dict[str, str]) -> programme.Programme:
    dates = {field: form_date(field, errors, label[0].upper() + label[1:])
             for field, label in programme.TIMETABLE}
    return programme.Programme(
        title=form_text("title"), theme=form_text("theme"),
        terms_of_reference=form_text("terms_of_reference"), cohort=form_text("cohort"),
        cases_min=form_int("cases_min"), cases_max=form_int("cases_max"),
        is_baseline=request.form.get("is_baseline") == "yes",
        sub_committee=form_text("sub_committee"),
        tracking_months=form_int("tracking_months"), **dates)


def _programme_page(values, errors, audit=None, partnerships=()):
    return render_template("multi_agency/programme_form.html", values=values, errors=errors,
                           audit=audit, partnerships=partnerships, timetable=programme.TIMETABLE,
                           selected_partnership=form_text("partnership"))


@bp.route("/new", methods=["GET", "POST"])
@permission_required(MANAGE)
def new():
    partnerships = db.session.scalars(visible_partnerships(MANAGE)).all()
    if request.method == "GET":
        return _programme_page(programme.suggested(london_today()), {},
                               partnerships=partnerships)
    errors: dict[str, str] = {}
    values = _read_programme(errors)
    chosen = partnerships[0] if len(partnerships) == 1 else next(
        (p for p in partnerships if str(p.id) == form_text("partnership")), None)
    if chosen is None:
        errors["partnership"] = "Select the partnership"
    made = {}

    def change():
        if chosen is None:  # already an error; check the rest so every problem shows
            programme.checked(values)
            return
        made["audit"] = programme.plan_audit(chosen, values, me())

    return attempt(change, "Audit planned",
                   lambda: url_for("multi_agency.show", audit_id=made["audit"].id),
                   lambda e: _programme_page(values, e, partnerships=partnerships), errors)


def _show_page(audit, errors=None):
    user = me()
    return render_template(
        "multi_agency/show.html", audit=audit, manages=manages(audit), errors=errors or {},
        opening_problems=lifecycle.opening_problems(audit) if audit.status == "planning"
        else [], publishing_problems=publishing_problems(audit)
        if audit.status == "consultation" else [], progress=progress_of(audit, user),
        mine=cases_of_auditor(audit, user), date_labels=DATE_LABELS, today=london_today(),
        may_export=can(EXPORT, audit), may_record={k: may_record(audit, k, user)
                                                  for k in KINDS},
        document_label=document_label, allowed_documents=ALLOWED_DOCUMENT_KINDS,
        document_limit_mb=document_max_bytes() / (1024 * 1024))


@bp.get("/<int:audit_id>")
@permission_required(VIEW)
def show(audit_id: int):
    return _show_page(find_audit(audit_id))


@bp.route("/<int:audit_id>/programme", methods=["GET", "POST"])
@permission_required(MANAGE)
def edit_programme(audit_id: int):
    audit = find_audit(audit_id, MANAGE)
    if request.method == "GET":
        return _programme_page(audit, {}, audit=audit)
    errors: dict[str, str] = {}
    values = _read_programme(errors)

    def change():
        check_version(audit)
        programme.update_programme(audit, values, me())

    return attempt(change, "Programme saved", url_for("multi_agency.show", audit_id=audit.id),
                   lambda e: _programme_page(values, e, audit=audit), errors)


@bp.post("/<int:audit_id>/checkpoints")
@permission_required(MANAGE)
def add_checkpoint(audit_id: int):
    audit = find_audit(audit_id, MANAGE)
    errors: dict[str, str] = {}
    due_on = form_date("due_on", errors, "The check point date")
    return attempt(lambda: programme.add_checkpoint(audit, due_on, form_text("label")),
                   "Check point added", url_for("multi_agency.show", audit_id=audit.id),
                   lambda e: _show_page(audit, e), errors)


@bp.post("/<int:audit_id>/checkpoints/<int:checkpoint_id>/review")
@permission_required(MANAGE)
def review_checkpoint(audit_id: int, checkpoint_id: int):
    """Record, at a check point, how many returns are in against how many are expected."""
    audit = find_audit(audit_id, MANAGE)
    checkpoint = db.session.get(MultiAgencyCheckpoint, checkpoint_id)
    if checkpoint is None or checkpoint.audit_id != audit.id:
        abort(404)

    def change():
        progress = progress_of(audit, me())
        programme.review_checkpoint(audit, checkpoint, progress.submitted, progress.expected,
                                    me())

    return attempt(change, "Check point recorded",
                   url_for("multi_agency.progress", audit_id=audit.id), lambda e: "")


@bp.post("/<int:audit_id>/briefings")
@permission_required(MANAGE)
def add_briefing(audit_id: int):
    request.max_content_length = document_max_bytes() + FORM_OVERHEAD
    audit = find_audit(audit_id, MANAGE)
    upload = request.files.get("file")
    made: list[MultiAgencyBriefing] = []

    def change():
        made.append(programme.add_briefing(
            audit, form_text("title"), form_text("notes"), form_text("link"),
            upload if upload is not None and upload.filename else None, me()))

    try:
        response = attempt(change, "Briefing material added",
                           url_for("multi_agency.show", audit_id=audit.id),
                           lambda e: _show_page(audit, e))
    except DocumentTooLarge:
        db.session.rollback()
        abort(413)
    finally:
        _discard_unsaved(made)
    return response


def _discard_unsaved(made: list[MultiAgencyBriefing]) -> None:
    """A stored file whose briefing did not commit is deleted, so nothing lingers on disk."""
    for briefing in made:
        if briefing.document is not None and db.session.get(
                Document, briefing.document.id) is None:
            discard_document(briefing.document)


def _briefing(audit: MultiAgencyAudit, briefing_id: int) -> MultiAgencyBriefing:
    briefing = db.session.get(MultiAgencyBriefing, briefing_id)
    if briefing is None or briefing.audit_id != audit.id:
        abort(404)
    return briefing


@bp.get("/<int:audit_id>/briefings/<int:briefing_id>/file")
@download_view
@permission_required(VIEW)
def briefing_file(audit_id: int, briefing_id: int):
    """The briefing's file, for everyone who sees the audit; the download is logged."""
    audit = find_audit(audit_id)
    briefing = _briefing(audit, briefing_id)
    if briefing.document is None or briefing.document.destroyed_at is not None:
        abort(404)
    return send_document(briefing.document, f"{audit.reference}-briefing-{briefing.id}", me())


@bp.post("/<int:audit_id>/briefings/<int:briefing_id>/remove")
@permission_required(MANAGE)
def remove_briefing(audit_id: int, briefing_id: int):
    audit = find_audit(audit_id, MANAGE)
    briefing = _briefing(audit, briefing_id)
    removed = []

    def change():
        removed.append(programme.remove_briefing(audit, briefing, me()))

    response = attempt(change, "Briefing material removed",
                       url_for("multi_agency.show", audit_id=audit.id),
                       lambda e: _show_page(audit, e))
    if removed and removed[0] is not None and removed[0].destroyed_at is not None:
        discard_document(removed[0])  # committed: the key is gone, now the bytes go too
    return response


@bp.post("/<int:audit_id>/open")
@permission_required(MANAGE)
def open_audit(audit_id: int):
    audit = find_audit(audit_id, MANAGE)

    def change():
        check_version(audit)
        lifecycle.open_audit(audit, me())

    return attempt(change, "Auditing has started",
                   url_for("multi_agency.show", audit_id=audit.id), lambda e: "")

