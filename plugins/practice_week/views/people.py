"""A practitioner's development file: every observation of their practice, in and outside
practice weeks, for them, their line management and the QA team (issue 7, item 4), and the
documents kept on it (supervision notes, certificates, reflective logs)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from core.toolkit import (
    ALLOWED_DOCUMENT_KINDS,
    Document,
    DocumentTooLarge,
    db,
    discard_document,
    document_label,
    document_max_bytes,
    download_view,
    permission_required,
    send_document,
)
from plugins.practice_week import documents
from plugins.practice_week.access import (
    development_file,
    document_agencies,
    file_agencies,
    me,
    partnerships_of,
)
from plugins.practice_week.forms import Invalid
from plugins.practice_week.observations import feedback_on_time
from plugins.practice_week.permissions import VIEW
from plugins.practice_week.views import bp
from plugins.practice_week.vocab import FILE_STATUS

FORM_OVERHEAD = 64 * 1024  # multipart boundaries and the CSRF field around the file


def _file_page(user_id: int, errors: dict[str, str] | None = None) -> str:
    practitioner, observations = development_file(user_id)
    rows = [(obs, feedback_on_time(obs)) for obs in observations]
    readable = partnerships_of(file_agencies(user_id))
    return render_template(
        "practice_week/development_file.html", practitioner=practitioner, rows=rows,
        statuses=FILE_STATUS, errors=errors or {},
        documents=documents.documents_on_file(user_id, readable),
        may_manage=bool(document_agencies(user_id)), document_label=document_label,
        allowed_documents=ALLOWED_DOCUMENT_KINDS,
        document_limit_mb=document_max_bytes() / (1024 * 1024))


@bp.get("/people/<int:user_id>")
@permission_required(VIEW)
def development_file_page(user_id: int):
    return _file_page(user_id)


def _readable_document(user_id: int, document_id: str) -> Document:
    """The file's document, for anyone who may read the file; else 404 (nothing logged)."""
    found = documents.find_on_file(user_id, document_id,
                                   partnerships_of(file_agencies(user_id)))
    if found is None:
        abort(404)
    return found


def _managed_agencies(user_id: int) -> set[int]:
    """Where the person may add or remove: 404 outside the file, 403 for a reader only."""
    if not file_agencies(user_id):
        abort(404)
    agencies = document_agencies(user_id)
    if not agencies:
        abort(403)
    return agencies


def _upload_partnership(agencies: set[int]) -> int:
    """A new document is kept under the partnership of the first council (by id) in which
    the person may add to this file."""
    found = partnerships_of({min(agencies)})
    if not found:
        abort(404)
    return min(found)


@bp.post("/people/<int:user_id>/documents")
@permission_required(VIEW)
def add_document(user_id: int):
    request.max_content_length = document_max_bytes() + FORM_OVERHEAD
    partnership_id = _upload_partnership(_managed_agencies(user_id))
    stored: list[Document] = []
    committed = False
    try:
        stored.append(documents.add_document(user_id, partnership_id,
                                             request.files.get("file"), me()))
        db.session.commit()
        committed = True
    except Invalid as exc:
        db.session.rollback()
        return _file_page(user_id, exc.errors), 400
    except DocumentTooLarge:
        db.session.rollback()
        abort(413)
    finally:
        _discard_unsaved(stored, committed)
    flash("The document is added to the development file.", "success")
    return redirect(url_for("practice_week.development_file_page", user_id=user_id), 303)


def _discard_unsaved(stored: list[Document], committed: bool) -> None:
    """A stored file whose row did not commit is deleted, so nothing lingers on disk."""
    if stored and not committed:
        db.session.rollback()
        for document in stored:
            discard_document(document)


@bp.get("/people/<int:user_id>/documents/<document_id>")
@download_view
@permission_required(VIEW)
def document_file(user_id: int, document_id: str):
    """The document, for everyone who may read the file; each download is logged. The name
    it is saved under carries no one's name."""
    document = _readable_document(user_id, document_id)
    return send_document(document, f"development-file-{document.id}", me())


@bp.post("/people/<int:user_id>/documents/<document_id>/remove")
@permission_required(VIEW)
def remove_document(user_id: int, document_id: str):
    managed = partnerships_of(_managed_agencies(user_id))
    document = documents.find_on_file(user_id, document_id, managed)
    if document is None:
        abort(404)
    documents.remove(document, me())
    db.session.commit()
    discard_document(document)  # committed: the key is gone, now the bytes go too
    flash("The document is removed from the development file.", "success")
    return redirect(url_for("practice_week.development_file_page", user_id=user_id), 303)
