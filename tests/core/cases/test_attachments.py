"""Evidence files: type and size limits, encrypted on disk under random names, streamed back
only after the access check, with download headers that stop the browser rendering them."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from core.accesslog.models import AccessLogEntry
from core.cases import attachments as files
from core.cases.models import Attachment
from core.cases.sealed_files import FileDamaged, read_all, write_sealed
from core.extensions import db
from tests.support.files import own_instance, stored_files  # noqa: F401

EVIDENCE = b"ZZCANARY-EVIDENCE "
PDF = b"%PDF-1.7\n" + EVIDENCE * 8000 + b"\n%%EOF\n"  # about 140 KiB: several chunks


pytestmark = pytest.mark.usefixtures("own_instance")


def docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<w:document>evidence</w:document>")
    return out.getvalue()


def send(client, case, content: bytes, name: str):
    return client.post(f"/cases/{case.code}/attachments", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(content), name)})


def only_attachment() -> Attachment:
    db.session.expire_all()
    return db.session.scalars(select(Attachment)).one()


def actions() -> list[str]:
    return list(db.session.scalars(select(AccessLogEntry.action).order_by(AccessLogEntry.id)))


@pytest.mark.parametrize("content, name, content_type", [
    (PDF, "report.pdf", "application/pdf"),
    (docx(), "minutes.DOCX", files.KINDS["docx"].content_type),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "photo.png", "image/png"),
    (b"\xff\xd8\xff\xe0" + b"\x00" * 100, "scan.jpeg", "image/jpeg"),
])
def test_a_pdf_docx_png_or_jpeg_is_stored_and_comes_back_unchanged(
        app, canary_case, registrar, login, content, name, content_type):
    client = login(registrar)
    assert send(client, canary_case, content, name).status_code == 302
    attachment = only_attachment()
    assert attachment.content_type == content_type and attachment.size == len(content)
    response = client.get(f"/cases/{canary_case.code}/attachments/{attachment.id}")
    assert response.status_code == 200 and response.data == content


def test_an_html_file_renamed_pdf_is_refused_with_an_error_on_the_file_field(
        app, canary_case, registrar, login):
    html = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
    response = send(login(registrar), canary_case, html, "report.pdf")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="file-error"' in page
    assert "The selected file is not a real PDF: its contents do not match its .pdf name" in page
    assert db.session.scalars(select(Attachment)).all() == [] and stored_files(app) == []


@pytest.mark.parametrize("content, name, message", [
    (b"MZ\x90\x00 not allowed", "tool.exe", "The selected file must be a PDF, DOCX, PNG or JPEG"),
    (b"PK\x03\x04 not really a zip", "minutes.docx", "The selected file is not a real DOCX file"),
    (b"", "empty.pdf", "The selected file is empty"),
])
def test_other_types_and_fake_documents_are_refused(app, canary_case, registrar, login,
                                                    content, name, message):
    response = send(login(registrar), canary_case, content, name)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert stored_files(app) == []


def test_an_upload_over_the_configured_limit_gets_413(app, canary_case, registrar, login):
    app.config["ATTACHMENT_MAX_BYTES"] = 100_000
    response = send(login(registrar), canary_case, b"%PDF-1.4\n" + b"x" * 100_000, "big.pdf")
    assert response.status_code == 413
    assert db.session.scalars(select(Attachment)).all() == [] and stored_files(app) == []


def test_a_21_mb_upload_gets_413_with_the_default_limit(app, canary_case, registrar, login):
    response = send(login(registrar), canary_case, b"%PDF-1.4\n" + b"x" * (21 * 1024 * 1024),
                    "huge.pdf")
    assert response.status_code == 413
    assert stored_files(app) == []


def test_a_path_in_the_filename_is_never_used_on_disk(app, canary_case, registrar, login):
    assert send(login(registrar), canary_case, PDF, "../../etc/passwd.pdf").status_code == 302
    attachment = only_attachment()
    expected = (Path(app.instance_path) / "attachments" / attachment.storage_key[:2]
                / attachment.storage_key)
    assert stored_files(app) == [expected]
    assert len(attachment.storage_key) == 48 and "passwd" not in str(expected)
    assert attachment.unseal("filename") == "passwd.pdf"
    assert "passwd" not in (attachment.filename_enc or "")


def test_the_file_on_disk_contains_none_of_the_plaintext(app, canary_case, registrar, login):
    send(login(registrar), canary_case, PDF, "ZZCANARY-NAME evidence.pdf")
    (path,) = stored_files(app)
    raw = path.read_bytes()
    assert b"ZZCANARY" not in raw and b"%PDF" not in raw
    assert len(raw) > len(PDF)


def test_a_user_of_another_partnership_gets_404_on_download(app, world, canary_case, registrar,
                                                            login):
    send(login(registrar), canary_case, PDF, "report.pdf")
    attachment = only_attachment()
    url = f"/cases/{canary_case.code}/attachments/{attachment.id}"
    response = login(world.tm_c).get(url)
    assert response.status_code == 404 and b"ZZCANARY" not in response.data
    assert "attachment_downloaded" not in actions()


def test_an_attachment_id_from_another_case_is_not_found(app, world, canary_case, registrar,
                                                         login):
    from core.cases.service import register_case
    from tests.core.cases.conftest import attributes, identity

    other = register_case(world.p1, world.a, identity(record_id="OTHER-1"), attributes(),
                          by=None)
    db.session.commit()
    client = login(registrar)
    send(client, canary_case, PDF, "report.pdf")
    attachment = only_attachment()
    assert client.get(f"/cases/{other.code}/attachments/{attachment.id}").status_code == 404


def test_a_download_carries_headers_that_stop_the_browser_rendering_it(
        app, canary_case, registrar, login):
    client = login(registrar)
    send(client, canary_case, PDF, "Child's plan.pdf")
    attachment = only_attachment()
    response = client.get(f"/cases/{canary_case.code}/attachments/{attachment.id}")
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="{canary_case.code}-{attachment.id[:8]}.pdf"')
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"


def test_uploads_and_downloads_are_logged_without_the_filename(app, canary_case, registrar,
                                                               login):
    client = login(registrar)
    send(client, canary_case, PDF, "ZZCANARY-NAME.pdf")
    attachment = only_attachment()
    client.get(f"/cases/{canary_case.code}/attachments/{attachment.id}")
    entries = db.session.scalars(select(AccessLogEntry).where(
        AccessLogEntry.action.in_(("attachment_uploaded", "attachment_downloaded")))
        .order_by(AccessLogEntry.id)).all()
    assert [e.action for e in entries] == ["attachment_uploaded", "attachment_downloaded"]
    assert all(e.object_code == canary_case.code and e.user_id == registrar.id for e in entries)
    assert all(attachment.id in e.detail and "ZZCANARY" not in e.detail for e in entries)


def test_someone_who_may_see_the_case_but_not_attach_cannot_upload(app, world, canary_case,
                                                                   login):
    response = send(login(world.hos_a), canary_case, PDF, "report.pdf")
    assert response.status_code == 403 and stored_files(app) == []


def test_the_attachments_page_lists_files_without_their_original_names(
        app, world, canary_case, registrar, login):
    send(login(registrar), canary_case, PDF, "ZZCANARY-NAME.pdf")
    page = login(world.hos_a).get(f"/cases/{canary_case.code}/attachments")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "PDF" in text and "ZZCANARY" not in text
    assert "Add an evidence file" not in text  # hos_a may see, not attach


def test_a_damaged_file_is_not_served(app, canary_case, registrar, login):
    client = login(registrar)
    send(client, canary_case, PDF, "report.pdf")
    attachment = only_attachment()
    path = files.path_of(attachment)
    raw = bytearray(path.read_bytes())
    raw[100] ^= 1
    path.write_bytes(bytes(raw))
    response = client.get(f"/cases/{canary_case.code}/attachments/{attachment.id}")
    assert response.status_code == 500 and b"ZZCANARY" not in response.data
    assert "attachment_unreadable" in actions()


# --- The sealed-file format -------------------------------------------------------------------


def sealed(tmp_path, content: bytes, owner: str = "owner-1") -> tuple[Path, str]:
    from core.cases.sealed_files import new_file_key

    key = new_file_key()
    path = tmp_path / "sealed"
    write_sealed(io.BytesIO(content), path, key, owner)
    return path, key


def test_a_sealed_file_does_not_open_for_another_owner(tmp_path):
    path, key = sealed(tmp_path, PDF)
    assert read_all(path, key, "owner-1") == PDF
    with pytest.raises(FileDamaged):
        read_all(path, key, "owner-2")


def test_a_sealed_file_cut_short_at_a_chunk_boundary_does_not_open(tmp_path):
    from core.cases.sealed_files import MAGIC, RECORD

    path, key = sealed(tmp_path, PDF)
    path.write_bytes(path.read_bytes()[:len(MAGIC) + RECORD])
    with pytest.raises(FileDamaged):
        read_all(path, key, "owner-1")


def test_an_empty_sealed_file_round_trips(tmp_path):
    path, key = sealed(tmp_path, b"")
    assert read_all(path, key, "owner-1") == b""


def test_a_data_key_rotation_reseals_the_file_key_and_the_file_still_downloads(
        app, canary_case, registrar, login):
    from core.crypto.rotation import rotate_data

    client = login(registrar)
    send(client, canary_case, PDF, "report.pdf")
    before = only_attachment().file_key_enc
    rotate_data()
    attachment = only_attachment()
    assert attachment.file_key_enc != before
    response = client.get(f"/cases/{canary_case.code}/attachments/{attachment.id}")
    assert response.status_code == 200 and response.data == PDF


def test_the_case_page_partial_lists_each_file_by_type_size_and_date(
        app, canary_case, registrar, login):
    from flask import render_template_string

    send(login(registrar), canary_case, PDF, "report.pdf")
    with app.test_request_context():
        html = render_template_string(
            '{% from "cases/_attachments.html" import attachment_list %}'
            "{{ attachment_list(case, files, true) }}",
            case=canary_case, files=files.attachments_for(canary_case))
    assert '<td class="govuk-table__cell">PDF</td>' in html
    assert f"{round(len(PDF) / 1024)} KB" in html
    assert f"/cases/{canary_case.code}/attachments/" in html and "Add an evidence file" in html
