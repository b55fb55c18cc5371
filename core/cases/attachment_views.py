"""Evidence file pages: list and upload on a case, and download after the access check.

A download is decrypted and streamed only after `require_case` (the `cases.view` check, or an
open assignment), is logged before the first byte leaves, and is sent as a download that the
browser must not sniff or render: `Content-Disposition: attachment`, `nosniff` and a sandboxing
Content-Security-Policy. The saved name is built from the case code, never the original name.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from core.accesslog.chain import append
from core.cases import attachments as files
from core.cases.sealed_files import FileDamaged
from core.cases.views import bp, find_case, require_case
from core.crypto.keyring import KeyUnavailable
from core.extensions import db
from core.identity.access import can, permission_required, require
from core.web.downloads import download_response, download_view, first_chunk

logger = logging.getLogger("partnership_audit.cases")
FORM_OVERHEAD = 64 * 1024  # multipart boundaries and the CSRF field around the file


def _me() -> Any:
    return current_user._get_current_object()


def _page(case: Any, errors: dict[str, str], status: int = 200):
    return render_template(
        "cases/attachments.html", case=case, attachments=files.attachments_for(case),
        errors=errors, may_attach=case.destroyed_at is None and can("cases.attach", case),
        label_of=files.label_of, allowed=files.ALLOWED_TEXT,
        limit_mb=files.max_bytes() / (1024 * 1024),
    ), status


@bp.get("/<code>/attachments")
@permission_required("cases.view")
def attachments(code: str):
    case = find_case(code)
    require_case(case)
    return _page(case, {})


def _stored(case: Any) -> tuple[dict[str, str], int]:
    """Store the uploaded file and commit; (errors, status)."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return {"file": "Select a file"}, 400
    try:
        attachment = files.store(case, upload.filename, upload.stream, _me())
    except files.AttachmentTooLarge:
        abort(413)
    except files.AttachmentRefused as exc:
        return {"file": exc.message}, 400
    except KeyUnavailable:
        logger.warning("attachment refused: a key is unavailable")
        return {"file": "Files cannot be stored now because an encryption key is not available. "
                        "Tell your administrator."}, 503
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        files.discard(attachment)
        raise
    return {}, 200


@bp.post("/<code>/attachments")
@permission_required("cases.attach")
def attach(code: str):
    request.max_content_length = files.max_bytes() + FORM_OVERHEAD
    case = find_case(code)
    require("cases.attach", case)
    if case.destroyed_at is not None:
        abort(410)
    errors, status = _stored(case)
    if errors:
        db.session.rollback()
        return _page(case, errors, status)
    flash("File added to the case", "success")
    return redirect(url_for("cases.attachments", code=case.code))


@bp.get("/<code>/attachments/<attachment_id>")
@download_view
@permission_required("cases.view")
def attachment(code: str, attachment_id: str):
    case = find_case(code)
    require_case(case)
    found = files.find_attachment(case, attachment_id)
    if found is None:
        abort(404)
    try:
        first, rest = first_chunk(files.open_content(found))
    except (FileDamaged, OSError, KeyUnavailable) as exc:
        append("attachment_unreadable", "case", case.code, user=_me(),
               partnership_id=case.partnership_id,
               detail=f"attachment {found.id}; {type(exc).__name__}")
        db.session.commit()
        abort(500)
    files.log_download(case, found, _me())
    db.session.commit()  # the download is on record before any of it is sent
    return download_response(first, rest, found.content_type, found.size,
                             files.download_name(case, found))
