"""Bulk coding pages: upload and check a CSV, then import it as a background job.

"Check file" saves nothing but the encrypted file itself (held for an hour, see `import_runs`);
"Import N cases" starts a job that checks it again and codes every case or none. Problems are
shown as a table of line, column and message; identity typed in the file is not repeated.
"""

from __future__ import annotations

from typing import Any

from flask import Response, abort, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from core.cases import import_runs
from core.cases.importer import COLUMNS, MAX_BYTES, REQUIRED_COLUMNS, check_file, template_csv
from core.cases.models import Case, CaseImport, CaseImportItem
from core.cases.views import bp
from core.extensions import db
from core.identity.access import (
    permission_required,
    reach,
    require,
    visible_agencies,
    visible_partnerships,
)
from core.identity.models import Scope

REGISTER = "cases.register"
SHOW_ERRORS = 500
PAGE_SIZE = 100
ORDER = ("partnership", "agency", "file")


def _me() -> Any:
    return current_user._get_current_object()


def _choices() -> tuple[list, list]:
    partnerships = db.session.scalars(visible_partnerships(REGISTER)).all()
    agencies = db.session.scalars(visible_agencies(REGISTER)).all()
    return partnerships, agencies


def _picked(options: list, value: str | None) -> Any:
    """The option chosen; the only option when nothing was sent (the page hides the choice)."""
    if not value and len(options) == 1:
        return options[0]
    return next((o for o in options if str(o.id) == value), None)


def _owner(errors: dict[str, str]) -> tuple[Any, Any]:
    """The partnership and agency chosen on the form, if the user codes cases for them."""
    partnerships, agencies = _choices()
    partnership = _picked(partnerships, request.form.get("partnership"))
    agency = _picked(agencies, request.form.get("agency"))
    if partnership is None:
        errors["partnership"] = "Select the partnership"
    if agency is None:
        errors["agency"] = "Select the agency that owns the cases"
    elif partnership is not None and (
            all(a.id != agency.id for a in partnership.agencies)
            or not reach(current_user, REGISTER).covers(
                Scope(frozenset({agency.id}), frozenset({partnership.id})))):
        errors["agency"] = "You cannot code cases for this agency in this partnership"
    return partnership, agency


def _upload(errors: dict[str, str]) -> bytes:
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        errors["file"] = "Select a CSV file"
        return b""
    data = upload.read(MAX_BYTES + 1)
    if not data:
        errors["file"] = "The selected file is empty"
    return data


def _page(errors: dict[str, str] | None = None, check: Any = None, status: int = 200):
    partnerships, agencies = _choices()
    return render_template(
        "cases/import.html", errors=errors or {}, check=check, order=ORDER,
        partnerships=[("", "Select a partnership"), *((str(p.id), p.name) for p in partnerships)],
        agencies=[("", "Select an agency"), *((str(a.id), a.name) for a in agencies)],
        only_partnership=partnerships[0] if len(partnerships) == 1 else None,
        only_agency=agencies[0] if len(agencies) == 1 else None,
        chosen=request.form, columns=COLUMNS, required=REQUIRED_COLUMNS,
        show_errors=SHOW_ERRORS,
    ), status


@bp.get("/import")
@permission_required(REGISTER)
def import_start():
    return _page()


@bp.get("/import/template.csv")
@permission_required(REGISTER)
def import_template():
    return Response(template_csv(), mimetype="text/csv", headers={
        "Content-Disposition": 'attachment; filename="cases-template.csv"'})


@bp.post("/import")
@permission_required(REGISTER)
def import_check():
    """Check the file; keep it (encrypted) only when every line is good."""
    import_runs.purge_expired()
    errors: dict[str, str] = {}
    partnership, agency = _owner(errors)
    data = _upload(errors)
    if errors:
        db.session.commit()
        return _page(errors, status=400)
    check = check_file(data, partnership, agency)
    if not check.ok:
        db.session.rollback()
        return _page({"file": f"The file has {len(check.errors)} problem"
                              f"{'' if len(check.errors) == 1 else 's'}"}, check, status=400)
    held = import_runs.hold(data, partnership, agency, check, _me())
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        import_runs.forget_file(held)
        raise
    return redirect(url_for("cases.import_result", import_id=held.id))


def _held(import_id: str) -> CaseImport:
    held = db.session.get(CaseImport, import_id) if len(import_id) == 32 else None
    if held is None:
        abort(404)
    require(REGISTER, held)
    return held


def _imported_cases(held: CaseImport, page: int) -> list[Case]:
    return list(db.session.scalars(
        select(Case).join(CaseImportItem, CaseImportItem.case_id == Case.id)
        .where(CaseImportItem.import_id == held.id).order_by(Case.code)
        .limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)))


@bp.get("/import/<import_id>")
@permission_required(REGISTER)
def import_result(import_id: str):
    """A held or finished import: ready to import, running, imported (with its cases), failed."""
    held = _held(import_id)
    page = max(request.args.get("page", 1, type=int), 1)
    cases = _imported_cases(held, page) if held.status == "imported" else []
    return render_template(
        "cases/import_result.html", held=held, cases=cases[:PAGE_SIZE],
        has_next=len(cases) > PAGE_SIZE, page=page,
        mine=held.uploaded_by_id == current_user.id,
        expired=held.status == "checked" and import_runs.is_expired(held),
    )


@bp.post("/import/<import_id>/run")
@permission_required(REGISTER)
def import_run(import_id: str):
    """Start the import job (only the person who checked the file may)."""
    held = _held(import_id)
    if held.uploaded_by_id != current_user.id:
        abort(403)
    if held.status != "checked" or import_runs.is_expired(held):
        return redirect(url_for("cases.import_result", import_id=held.id))
    held.status = "queued"
    job = import_runs.start_job(held)
    db.session.commit()
    return redirect(import_runs.job_url(job))
