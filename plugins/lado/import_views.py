"""Importing referrals from a CSV file: check every line, then record all of them or none."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for

from core.toolkit import KeyUnavailable, db, permission_required
from plugins.lado import importer, timeliness
from plugins.lado.access import REGISTER
from plugins.lado.views import MARKING, bp, chosen_partnership, me, my_partnerships

SHOW_ERRORS = 200


def _page(errors: dict[str, str] | None = None, check=None, status: int = 200):
    options = my_partnerships(REGISTER)
    return render_template(
        "lado/import.html", errors=errors or {}, check=check, show_errors=SHOW_ERRORS,
        partnerships=[("", "Select a partnership"), *((str(p.id), p.name) for p in options)],
        only_partnership=options[0] if len(options) == 1 else None, chosen=request.form,
        columns=importer.COLUMNS, required=importer.REQUIRED, protective_marking=MARKING,
    ), status


@bp.get("/referrals/import")
@permission_required(REGISTER)
def import_referrals():
    return _page()


@bp.get("/referrals/import/template.csv")
@permission_required(REGISTER)
def import_template():
    return Response(importer.template_csv(), mimetype="text/csv", headers={
        "Content-Disposition": 'attachment; filename="lado-referrals-template.csv"'})


def _upload(errors: dict[str, str]) -> bytes:
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        errors["file"] = "Select a CSV file"
        return b""
    data = upload.read(10 * 1024 * 1024 + 1)
    if not data:
        errors["file"] = "The selected file is empty"
    return data


@bp.post("/referrals/import")
@permission_required(REGISTER)
def import_run():
    """Check the file; record every referral in one transaction only if no line has a problem."""
    errors: dict[str, str] = {}
    partnership = chosen_partnership(my_partnerships(REGISTER), request.form.get("partnership"))
    if partnership is None:
        errors["partnership"] = "Select the partnership"
    data = _upload(errors)
    if errors:
        return _page(errors, status=400)
    check = importer.check_file(data, partnership, timeliness.today())
    if not check.ok:
        db.session.rollback()
        count = len(check.errors)
        return _page({"file": f"The file has {count} problem{'' if count == 1 else 's'}. "
                              "Nothing was imported."}, check, status=400)
    try:
        made = importer.import_rows(check, partnership, me())
        db.session.commit()
    except KeyUnavailable:
        db.session.rollback()
        flash("Nothing was imported: an encryption key is not available. Tell your "
              "administrator.")
        return redirect(url_for("lado.import_referrals"))
    flash(f"{len(made)} referral{'' if len(made) == 1 else 's'} imported", "success")
    return redirect(url_for("lado.index"))
