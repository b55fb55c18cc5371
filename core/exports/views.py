"""Export pages: ask for a report or action plan export, follow its job, download the file.

An export belongs to the person who asked for it: anyone else gets 404, and so does its owner
once they no longer hold the permission it was made under. Every download is logged.
"""

from __future__ import annotations

from datetime import date

from flask import (
    Blueprint,
    Response,
    abort,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select

from core.actions.queries import ActionFilters
from core.exports import service
from core.exports.models import FORMATS, ExportFile
from core.extensions import db
from core.identity.access import can, login_required, permission_required, visible_partnerships
from core.jobs.models import JobRecord
from core.reports.scope import VIEW as REPORTS_VIEW
from core.reports.scope import place_for
from core.reports.sections import PERIOD_KINDS

bp = Blueprint("exports", __name__, url_prefix="/exports")
ACTIONS_VIEW = "actions.view"
LISTED = 50


def _me():
    return current_user._get_current_object()


def _format() -> str:
    fmt = request.form.get("format", "")
    if fmt not in FORMATS:
        abort(400)
    return fmt


@bp.post("/report")
@permission_required(REPORTS_VIEW)
def report():
    form = request.form
    partnership_id = form.get("partnership_id", type=int)
    place = place_for(_me(), partnership_id or 0, form.get("agency", type=int),
                      form.get("team", type=int))
    if place is None:
        abort(404)
    period = form.get("period", "")
    try:
        start, end = date.fromisoformat(form.get("start", "")), date.fromisoformat(
            form.get("end", ""))
    except ValueError:
        abort(400)
    if period not in PERIOD_KINDS or end < start:
        abort(400)
    params = {"period": period, "start": start.isoformat(), "end": end.isoformat(),
              "agency": place.agency.id if place.agency else None,
              "team": place.team.id if place.team else None}
    export = service.request_export(_me(), "report", _format(), place.partnership.id, params,
                                    REPORTS_VIEW)
    db.session.commit()
    return redirect(url_for("exports.show", export_id=export.id))


@bp.get("/actions")
@permission_required(ACTIONS_VIEW)
def actions_form():
    filters = ActionFilters.from_args(request.args)
    partnerships = db.session.scalars(visible_partnerships(ACTIONS_VIEW)).all()
    return render_template("exports/actions.html", partnerships=partnerships,
                           filters=filters, formats=FORMATS, errors={})


@bp.post("/actions")
@permission_required(ACTIONS_VIEW)
def actions():
    filters = ActionFilters.from_args(request.form)
    partnerships = db.session.scalars(visible_partnerships(ACTIONS_VIEW)).all()
    errors = {}
    if filters.partnership not in {p.id for p in partnerships}:
        errors["partnership"] = "Select the partnership whose action plan you want"
    if request.form.get("format", "") not in FORMATS:
        errors["format"] = "Select the kind of file you want"
    if errors:
        return render_template("exports/actions.html", partnerships=partnerships,
                               filters=filters, formats=FORMATS, errors=errors), 400
    params = {k: v for k, v in filters.as_args().items() if k != "partnership"}
    export = service.request_export(_me(), "action_plan", _format(), filters.partnership, params,
                                    ACTIONS_VIEW)
    db.session.commit()
    return redirect(url_for("exports.show", export_id=export.id))


@bp.get("/")
@login_required
def index():
    query = (select(ExportFile).where(ExportFile.created_by_id == current_user.id)
             .order_by(ExportFile.created_at.desc()).limit(LISTED))
    return render_template("exports/index.html", exports=db.session.scalars(query).all(),
                           may_export_actions=can(ACTIONS_VIEW))


def _own(export_id: str) -> ExportFile:
    """The person's own export, while they still hold its permission; else 404."""
    export = db.session.get(ExportFile, export_id)
    if export is None or export.created_by_id != current_user.id or not can(export.permission):
        abort(404)
    return export


def _job_failed(export: ExportFile) -> bool:
    if export.status not in ("queued", "building") or export.job_id is None:
        return False
    job = db.session.get(JobRecord, export.job_id)
    return job is not None and job.status == "failed"


@bp.get("/<export_id>")
@login_required
def show(export_id: str):
    export = _own(export_id)
    job = db.session.get(JobRecord, export.job_id) if export.job_id else None
    return render_template("exports/show.html", export=export, job=job,
                           failed=_job_failed(export), available=service.is_available(export))


@bp.get("/<export_id>/download")
@login_required
def download(export_id: str):
    export = _own(export_id)
    if not service.is_available(export):
        abort(410 if export.status == "expired" else 404)
    content = service.open_content(export)
    first = next(content)  # fail here (500, nothing sent or logged) if the file is damaged
    service.log_download(export, _me())
    db.session.commit()

    def chunks():
        yield first
        yield from content

    return Response(stream_with_context(chunks()), mimetype=FORMATS[export.format][1],
                    headers={"Content-Disposition":
                             f'attachment; filename="{service.download_name(export)}"',
                             "Cache-Control": "no-store"})
