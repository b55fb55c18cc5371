"""Evidence files on cases: checked, encrypted on disk, streamed back after the access check.

Only PDF, DOCX, PNG and JPEG are accepted, and the first bytes must be what the name claims
(an HTML page renamed .pdf is refused). A DOCX must be a Word package within zip-bomb limits.
The content is sealed in 64 KiB chunks under a key of its own (`sealed_files`), stored under
`<instance>/attachments/<2 hex>/<random key>`; the original name is sealed like identity and
never used in a path, a header, a log or a page for someone who cannot see the identity.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from flask import current_app
from sqlalchemy import select

from core.accesslog.chain import append
from core.cases.models import Attachment, Case
from core.cases.sealed_files import (
    FileTooLarge,
    Written,
    new_file_key,
    new_storage_key,
    read_sealed,
    storage_path,
    write_sealed,
)
from core.extensions import db
from core.timeutil import utcnow

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
MAX_NAME = 200
ZIP_MAX_ENTRIES = 2000
ZIP_MAX_UNPACKED = 200 * 1024 * 1024


@dataclass(frozen=True)
class Kind:
    label: str
    content_type: str
    extensions: tuple[str, ...]
    magic: bytes


KINDS = {
    "pdf": Kind("PDF", "application/pdf", ("pdf",), b"%PDF-"),
    "docx": Kind("Word document (DOCX)",
                 "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                 ("docx",), b"PK\x03\x04"),
    "png": Kind("PNG image", "image/png", ("png",), b"\x89PNG\r\n\x1a\n"),
    "jpeg": Kind("JPEG image", "image/jpeg", ("jpg", "jpeg"), b"\xff\xd8\xff"),
}
ALLOWED_TEXT = "PDF, DOCX, PNG or JPEG"


class AttachmentRefused(ValueError):
    """The file cannot be kept; `message` says why, for the file field."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


class AttachmentTooLarge(AttachmentRefused):
    """Larger than `ATTACHMENT_MAX_BYTES` (the page answers 413)."""


def max_bytes() -> int:
    return int(current_app.config.get("ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def root() -> Path:
    return Path(current_app.instance_path) / "attachments"


def path_of(attachment: Attachment) -> Path:
    return storage_path(root(), attachment.storage_key)


# --- Checking what was sent --------------------------------------------------------------------


def extension(filename: str) -> str:
    name = filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _kind_for(filename: str) -> Kind:
    ext = extension(filename)
    for kind in KINDS.values():
        if ext in kind.extensions:
            return kind
    raise AttachmentRefused(f"The selected file must be a {ALLOWED_TEXT}")


def _check_docx(stream: IO[bytes]) -> None:
    """A Word package: a readable zip with the Word parts, not too many or too large entries."""
    try:
        with zipfile.ZipFile(stream) as package:
            entries = package.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise AttachmentRefused("The selected file is not a real DOCX file") from None
    names = {e.filename for e in entries}
    if "[Content_Types].xml" not in names or "word/document.xml" not in names:
        raise AttachmentRefused("The selected file is not a real DOCX file")
    if len(entries) > ZIP_MAX_ENTRIES or sum(e.file_size for e in entries) > ZIP_MAX_UNPACKED:
        raise AttachmentRefused("The selected file unpacks to too much data to be a document")


def check_upload(filename: str, stream: IO[bytes]) -> Kind:
    """The kind of file, if its name and its first bytes agree; else AttachmentRefused."""
    kind = _kind_for(filename)
    head = stream.read(16)
    stream.seek(0)
    if not head:
        raise AttachmentRefused("The selected file is empty")
    if not head.startswith(kind.magic):
        raise AttachmentRefused(f"The selected file is not a real {kind.label}: its contents "
                                f"do not match its .{extension(filename)} name")
    if kind is KINDS["docx"]:
        _check_docx(stream)
        stream.seek(0)
    return kind


def clean_name(filename: str) -> str:
    """The name as the person knows it (no folders), for showing to those who may see it."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip() or "file"
    return name[-MAX_NAME:]


# --- Storing, listing, reading -----------------------------------------------------------------


def store(case: Case, filename: str, stream: IO[bytes], by: Any) -> Attachment:
    """Check, encrypt to disk and record a file on `case`; log `attachment_uploaded`.

    Does not commit. If the caller's transaction fails, call `discard(attachment)` so the
    encrypted file does not linger. Raises AttachmentRefused / AttachmentTooLarge.
    """
    kind = check_upload(filename, stream)
    attachment = Attachment(case_id=case.id, partnership_id=case.partnership_id,
                            content_type=kind.content_type, size=0,
                            storage_key=new_storage_key(), uploaded_by_id=getattr(by, "id", None),
                            uploaded_at=utcnow())
    file_key = new_file_key()
    written = write_checked(stream, path_of(attachment), file_key, attachment.id)
    try:
        _record(case, attachment, written, file_key, clean_name(filename), by)
    except Exception:
        discard(attachment)  # no row, no file
        raise
    return attachment


def _record(case: Case, attachment: Attachment, written: Written, file_key: str, name: str,
            by: Any) -> None:
    attachment.size, attachment.sha256 = written.size, written.sha256
    attachment.seal("file_key", file_key)
    attachment.seal("filename", name)
    db.session.add(attachment)
    db.session.flush()
    append("attachment_uploaded", "case", case.code, user=by, partnership_id=case.partnership_id,
           detail=f"attachment {attachment.id}; {attachment.content_type}; {written.size} bytes")


def write_checked(stream: IO[bytes], path: Path, file_key: str, owner_id: str) -> Written:
    """Encrypt `stream` to `path` within `max_bytes()` (evidence and documents alike)."""
    try:
        return write_sealed(stream, path, file_key, owner_id, limit=max_bytes())
    except FileTooLarge:
        limit_mb = max_bytes() / (1024 * 1024)
        raise AttachmentTooLarge(f"The selected file must be smaller than {limit_mb:g} MB") \
            from None


def discard(attachment: Attachment) -> None:
    """Remove an attachment's file from disk (after a failed save, or once it is destroyed)."""
    path_of(attachment).unlink(missing_ok=True)


def attachments_for(case: Case) -> list[Attachment]:
    """The case's files that still exist, oldest first (for the case page's list)."""
    return list(db.session.scalars(
        select(Attachment).where(Attachment.case_id == case.id, Attachment.destroyed_at.is_(None))
        .order_by(Attachment.uploaded_at, Attachment.id)))


def find_attachment(case: Case, attachment_id: str) -> Attachment | None:
    """The live attachment with this id on this case (another case's id finds nothing)."""
    return db.session.scalar(select(Attachment).where(
        Attachment.id == attachment_id, Attachment.case_id == case.id,
        Attachment.destroyed_at.is_(None)))


def download_name(case: Case, attachment: Attachment) -> str:
    """The name a download is saved under: the case code, never the original name."""
    kind = next(k for k in KINDS.values() if k.content_type == attachment.content_type)
    return f"{case.code}-{attachment.id[:8]}.{kind.extensions[0]}"


def label_of(attachment: Attachment) -> str:
    return next((k.label for k in KINDS.values() if k.content_type == attachment.content_type),
                "File")


def open_content(attachment: Attachment) -> Iterator[bytes]:
    """The decrypted content, chunk by chunk (raises FileDamaged or OSError)."""
    return read_sealed(path_of(attachment), attachment.unseal("file_key"), attachment.id)


def log_download(case: Case, attachment: Attachment, by: Any) -> None:
    append("attachment_downloaded", "case", case.code, user=by,
           partnership_id=case.partnership_id, detail=f"attachment {attachment.id}")


def shred(attachment: Attachment, when: Any) -> None:
    """Destroy an attachment's content: clear its name and key (the bytes can no longer be
    read even from a backup copy) and mark it; delete the file with `discard` after commit."""
    attachment.filename_enc = None
    attachment.file_key_enc = None
    attachment.sha256 = None
    attachment.destroyed_at = when
