"""Bulk import of people from CSV: check the file, then import it in one go.

The checked file travels back with the confirmation form (base64 in a hidden field) rather
than being stored on the server; it is checked again before anything is written, so what is
imported is always what passes the checks at that moment.
"""

from __future__ import annotations

import base64
import binascii

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy.exc import IntegrityError

from core.admin.helpers import actor
from core.admin.people_forms import ImportForm
from core.admin.people_import import COLUMNS, MAX_BYTES, ImportCheck, check_file, import_people
from core.admin.views import bp
from core.extensions import db
from core.identity.access import permission_required
from core.identity.roles import ROLES
from core.identity.security_log import record

MANAGE = "admin.people.manage"
SHOW_ERRORS = 500
SHOW_ROWS = 100


@bp.route("/people/import", methods=["GET", "POST"])
@permission_required(MANAGE)
def people_import():
    form = ImportForm()
    if not form.validate_on_submit():
        return _page(form)
    if request.form.get("confirm") == "yes":
        return _import(_checked_content(form))
    upload = form.file.data
    if upload is None or not getattr(upload, "filename", ""):
        form.file.errors.append("Select a CSV file")
        return _page(form)
    data = upload.read(MAX_BYTES + 1)
    return _page(form, check_file(data, actor()), data)


def _checked_content(form: ImportForm) -> bytes:
    try:
        return base64.b64decode(request.form.get("content", ""), validate=True)
    except (binascii.Error, ValueError):
        return b""


def _import(data: bytes):
    check = check_file(data, actor())
    if not check.ok:
        return _page(ImportForm(formdata=None), check, data)
    try:
        people = import_people(check)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        flash("Nothing was imported: someone added one of these people at the same time. "
              "Check the file again.", "error")
        return redirect(url_for("admin.people_import"))
    record("people_imported", user=actor(), detail=f"count={len(people)}")
    flash(f"{len(people)} people imported. They have no passwords yet: ask them to choose one "
          "with 'Forgot your password?' on the sign-in page.", "success")
    return redirect(url_for("admin.people"))


def _page(form: ImportForm, check: ImportCheck | None = None, data: bytes = b""):
    content = base64.b64encode(data).decode() if check is not None and check.ok else ""
    return render_template(
        "admin/people_import.html", form=form, check=check, content=content,
        columns=COLUMNS, roles=ROLES, show_errors=SHOW_ERRORS, show_rows=SHOW_ROWS,
    )
