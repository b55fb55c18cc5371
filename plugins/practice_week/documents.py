"""Documents on a practitioner's development file: supervision notes, certificates,
reflective logs.

Core keeps them (`store_document`: checked, encrypted on disk, logged); the plugin adds no
table. The owner string names the practitioner's file, and each document is kept under the
partnership of the council where it was added, so a reader sees only the documents of the
partnerships whose file they may read (`access.file_agencies`).
"""

from __future__ import annotations

from typing import IO, Any, Protocol

from core.toolkit import (
    Document,
    DocumentRefused,
    DocumentTooLarge,
    db,
    documents_of,
    find_document,
    remove_document,
    store_document,
)
from plugins.practice_week.forms import Invalid

OWNER_PREFIX = "practice_week_person"


class Upload(Protocol):
    filename: str | None
    stream: IO[bytes]


def owner_of(practitioner_id: int) -> str:
    """The core document owner for one practitioner's development file."""
    return f"{OWNER_PREFIX}:{practitioner_id}"


def documents_on_file(practitioner_id: int, partnership_ids: set[int]) -> list[Document]:
    """The file's live documents kept under these partnerships, oldest first."""
    return [d for d in documents_of(owner_of(practitioner_id))
            if d.partnership_id in partnership_ids]


def find_on_file(practitioner_id: int, document_id: str,
                 partnership_ids: set[int]) -> Document | None:
    """The file's live document with this id, if it is kept under one of these partnerships
    (another file's document, or another partnership's, finds nothing)."""
    document = find_document(owner_of(practitioner_id), document_id)
    if document is None or document.partnership_id not in partnership_ids:
        return None
    return document


def add_document(practitioner_id: int, partnership_id: int, upload: Upload | None,
                 by: Any) -> Document:
    """Check, encrypt and record one file on the file. Does not commit: the caller commits
    and discards the stored file if the commit fails. A refused file raises Invalid for the
    file field; an oversized one DocumentTooLarge."""
    if upload is None or not upload.filename:
        raise Invalid({"file": "Choose a file to upload"})
    try:
        return store_document(partnership_id, owner_of(practitioner_id), upload.filename,
                              upload.stream, by)
    except DocumentTooLarge:
        raise  # a refusal too, but answered 413 rather than at the field
    except DocumentRefused as exc:
        raise Invalid({"file": exc.message}) from None


def remove(document: Document, by: Any) -> None:
    """Shred the document (key and name cleared, logged); the caller commits, then deletes
    the bytes with `discard_document`."""
    remove_document(document, by)
    db.session.flush()
