"""Keeping, sending and removing documents (see `core.documents.models`).

The checks are case evidence's: PDF, DOCX, PNG or JPEG whose first bytes match the name, within
`ATTACHMENT_MAX_BYTES`. Uploads, downloads and removals go on the access log under the document's
id and its owner; the original name never leaves the sealed column except on the owner's page.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

from flask import abort, current_app
from sqlalchemy import select

from core.accesslog.chain import append
from core.cases.attachments import KINDS, check_upload, clean_name, write_checked
from core.cases.sealed_files import (
    new_file_key,
    new_storage_key,
    read_sealed,
    storage_path,
)
from core.crypto.keyring import KeyUnavailable
from core.documents.models import Document
from core.extensions import db
from core.timeutil import utcnow
from core.web.downloads import download_response, first_chunk


def _path(document: Document) -> Path:
    return storage_path(Path(current_app.instance_path) / "documents", document.storage_key)


def store_document(partnership_id: int, owner: str, filename: str, stream: IO[bytes],
                   by: Any) -> Document:
    """Check, encrypt to disk and record a document of `owner` ("<kind>:<reference>").

    Does not commit; if the caller's transaction fails, `discard_document` removes the file.
    Raises AttachmentRefused (its `message` is for the file field) or AttachmentTooLarge.
    """
    kind = check_upload(filename, stream)
    document = Document(partnership_id=partnership_id, owner=owner, size=0,
                        content_type=kind.content_type, storage_key=new_storage_key(),
                        uploaded_by_id=getattr(by, "id", None), uploaded_at=utcnow())
    file_key = new_file_key()
    written = write_checked(stream, _path(document), file_key, document.id)
    try:
        document.size, document.sha256 = written.size, written.sha256
        document.seal("file_key", file_key)
        document.seal("filename", clean_name(filename))
        db.session.add(document)
        db.session.flush()
        _log("document_uploaded", document, by, f"{kind.content_type}; {written.size} bytes")
    except Exception:
        discard_document(document)
        raise
    return document


def _log(action: str, document: Document, by: Any, detail: str = "") -> None:
    append(action, "document", document.id, user=by, partnership_id=document.partnership_id,
           detail=f"{document.owner}; {detail}".rstrip("; "))


def discard_document(document: Document) -> None:
    """Remove a document's file from disk (after a failed save, or once it is removed)."""
    _path(document).unlink(missing_ok=True)


def sweep_removed() -> int:
    """Delete the file of any removed document still on disk (a crash between the commit and
    the delete, or a removal inside retention, which deletes after its commit); how many."""
    found = 0
    for document in db.session.scalars(select(Document).where(Document.destroyed_at.is_not(None))):
        if _path(document).exists():
            discard_document(document)
            found += 1
    return found


def documents_of(owner: str) -> list[Document]:
    """The owner's live documents, oldest first."""
    return list(db.session.scalars(
        select(Document).where(Document.owner == owner, Document.destroyed_at.is_(None))
        .order_by(Document.uploaded_at, Document.id)))


def find_document(owner: str, document_id: str) -> Document | None:
    """The live document with this id of this owner (another owner's id finds nothing)."""
    return db.session.scalar(select(Document).where(
        Document.id == document_id, Document.owner == owner, Document.destroyed_at.is_(None)))


def document_label(document: Document) -> str:
    """The kind in words (PDF, Word document (DOCX), ...) for the link text."""
    return next((k.label for k in KINDS.values() if k.content_type == document.content_type),
                "File")


def document_extension(document: Document) -> str:
    return next((k.extensions[0] for k in KINDS.values()
                 if k.content_type == document.content_type), "bin")


def send_document(document: Document, name: str, by: Any):
    """The decrypted document as a download saved as `name.<ext>`, logged before it is sent.

    The caller has checked who may read it; put `download_view` on its route. A file that no
    longer decrypts is logged as unreadable and answered 500 (no partial download).
    """
    try:
        chunks = read_sealed(_path(document), document.unseal("file_key") or "", document.id)
        first, rest = first_chunk(chunks)
    except (ValueError, OSError, KeyUnavailable) as exc:
        _log("document_unreadable", document, by, type(exc).__name__)
        db.session.commit()
        abort(500)
    _log("document_downloaded", document, by)
    db.session.commit()  # the download is on record before any of it is sent
    return download_response(first, rest, document.content_type, document.size,
                             f"{name}.{document_extension(document)}")


def remove_document(document: Document, by: Any) -> None:
    """Shred a document: its key and name are cleared (a backup copy of the bytes can no
    longer be read) and it is marked removed. Delete the file with `discard_document` after
    the commit. Does not commit."""
    document.filename_enc = None
    document.file_key_enc = None
    document.sha256 = None
    document.destroyed_at = utcnow()
    _log("document_removed", document, by)
