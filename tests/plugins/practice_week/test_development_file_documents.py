"""Documents on a development file: the practitioner and their line management or QA team add
them, every reader of the file downloads them (logged, never rendered by the browser), nobody
else can, a refused or oversized file keeps nothing, and removing one shreds it."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from core.accesslog.models import AccessLogEntry
from core.documents.models import Document
from core.extensions import db
from tests.support.factories import make_user
from tests.support.files import own_instance, stored_files  # noqa: F401

NOTE = b"%PDF-1.7\n" + b"ZZSUPERVISION-NOTE " * 8000 + b"\n%%EOF\n"  # ~150 KiB: several chunks
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


pytestmark = pytest.mark.usefixtures("own_instance")


def url(user) -> str:
    return f"/practice_week/people/{user.id}"


def upload(client, user, content: bytes, name: str):
    return client.post(f"{url(user)}/documents", data={"file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def logged(action: str) -> list[AccessLogEntry]:
    return list(db.session.scalars(select(AccessLogEntry).where(AccessLogEntry.action == action)))


def only_document() -> Document:
    return db.session.scalars(select(Document)).one()


@pytest.mark.parametrize("who", ["sw1", "tm", "qa"])
def test_the_practitioner_line_management_and_qa_add_a_document(app, pw, login, who):
    response = upload(login(getattr(pw, who)), pw.sw1, NOTE, "Supervision notes May.pdf")
    assert response.status_code == 303 and response.headers["Location"].endswith(url(pw.sw1))
    document = only_document()
    assert document.owner == f"practice_week_person:{pw.sw1.id}"
    assert document.partnership_id == pw.w.p1.id and document.size == len(NOTE)
    files = stored_files(app)
    assert len(files) == 1 and b"ZZSUPERVISION-NOTE" not in files[0].read_bytes()
    assert "Supervision" not in str(files[0])
    [entry] = logged("document_uploaded")
    assert entry.user_id == getattr(pw, who).id
    assert entry.detail.startswith(f"practice_week_person:{pw.sw1.id}")
    assert "Supervision" not in entry.detail


def test_the_file_lists_each_document_for_its_readers(pw, login):
    upload(login(pw.sw1), pw.sw1, NOTE, "Supervision notes May.pdf")
    upload(login(pw.tm), pw.sw1, PNG, "ASYE certificate.png")
    document = db.session.scalars(select(Document).order_by(Document.uploaded_at,
                                                            Document.id)).first()
    for reader in (pw.sw1, pw.hos, pw.qa):
        page = login(reader).get(url(pw.sw1))
        assert page.status_code == 200
        text = page.text
        for label in ("Supervision notes May.pdf", "ASYE certificate.png", "PDF", "PNG image",
                      f"{round(len(NOTE) / 1024)} KB", "72 bytes", "by Sam Worker",
                      "by Tara Manager"):
            assert label in text, label
        assert f'href="{url(pw.sw1)}/documents/{document.id}"' in text
        assert 'enctype="multipart/form-data"' in text and 'id="file"' in text


def test_a_reader_downloads_the_document_and_each_download_is_logged(pw, login):
    upload(login(pw.sw1), pw.sw1, NOTE, "Supervision notes May.pdf")
    document = only_document()
    got = login(pw.hos).get(f"{url(pw.sw1)}/documents/{document.id}")
    assert got.status_code == 200 and got.data == NOTE
    assert got.headers["Content-Disposition"] == \
        f'attachment; filename="development-file-{document.id}.pdf"'
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in got.headers["Content-Security-Policy"]
    assert got.headers["Cache-Control"] == "no-store"
    downloads = logged("document_downloaded")
    assert [e.user_id for e in downloads] == [pw.hos.id]
    assert downloads[0].detail.startswith(f"practice_week_person:{pw.sw1.id}")


def test_a_reader_without_standing_to_arrange_observations_downloads_only(app, pw, login):
    lead = make_user("lead_member", pw.w.a, email="lead@example.test", name="Lee Member")
    pw.sw1.memberships[0].line_manager = lead  # on the line: reads the file
    db.session.commit()
    upload(login(pw.sw1), pw.sw1, NOTE, "note.pdf")
    document = only_document()
    client = login(lead)
    page = client.get(url(pw.sw1)).text
    assert "note.pdf" in page and 'id="file"' not in page and "Remove" not in page
    assert client.get(f"{url(pw.sw1)}/documents/{document.id}").status_code == 200
    assert upload(client, pw.sw1, PNG, "mine.png").status_code == 403
    assert client.post(f"{url(pw.sw1)}/documents/{document.id}/remove").status_code == 403
    assert len(stored_files(app)) == 1 and logged("document_removed") == []


@pytest.mark.parametrize("who", ["sw2", "dcs", "other_council"])
def test_anyone_outside_the_file_is_refused_and_nothing_is_logged(app, pw, login, who):
    upload(login(pw.sw1), pw.sw1, NOTE, "note.pdf")
    document = only_document()
    if who == "other_council":
        person = make_user("qa_officer", pw.w.c, email="qa.c@example.test")
        db.session.commit()
    else:
        person = getattr(pw, who)
    client = login(person)
    link = f"{url(pw.sw1)}/documents/{document.id}"
    assert client.get(link).status_code == 404
    assert client.post(f"{link}/remove").status_code == 404
    assert upload(client, pw.sw1, PNG, "x.png").status_code == 404
    assert logged("document_downloaded") == [] and logged("document_removed") == []
    assert len(stored_files(app)) == 1 and len(logged("document_uploaded")) == 1


def test_another_files_link_does_not_reach_the_document(app, pw, login):
    """A document id under another practitioner's file (even one the person may read) is 404:
    in particular another partnership's practitioner cannot reach it through their own file."""
    upload(login(pw.sw1), pw.sw1, NOTE, "note.pdf")
    document = only_document()
    elsewhere = make_user("practitioner", pw.w.team_c, email="sw.c@example.test")
    db.session.commit()
    client = login(elsewhere)
    assert client.get(url(elsewhere)).status_code == 200
    assert client.get(f"{url(elsewhere)}/documents/{document.id}").status_code == 404
    assert client.post(f"{url(elsewhere)}/documents/{document.id}/remove").status_code == 404
    assert login(pw.qa).get(f"{url(pw.sw2)}/documents/{document.id}").status_code == 404
    assert logged("document_downloaded") == [] and logged("document_removed") == []


def test_a_file_that_is_not_what_its_name_says_is_refused_and_nothing_is_kept(app, pw, login):
    bad = upload(login(pw.sw1), pw.sw1, b"<html><script>x</script></html>", "note.pdf")
    assert bad.status_code == 400
    assert 'href="#file"' in bad.text and "not a real PDF" in bad.text
    assert "Error: Development file" in bad.text
    assert stored_files(app) == [] and db.session.scalars(select(Document)).all() == []
    assert logged("document_uploaded") == []


def test_a_kind_that_is_not_allowed_and_no_file_at_all_are_refused(app, pw, login):
    client = login(pw.sw1)
    bad = upload(client, pw.sw1, b"MZ\x90\x00", "tool.exe")
    assert bad.status_code == 400 and 'href="#file"' in bad.text
    none = client.post(f"{url(pw.sw1)}/documents", data={},
                       content_type="multipart/form-data")
    assert none.status_code == 400 and "Choose a file to upload" in none.text
    assert stored_files(app) == [] and db.session.scalars(select(Document)).all() == []


def test_a_file_over_the_limit_is_refused_with_413_and_nothing_is_kept(app, pw, login,
                                                                        monkeypatch):
    monkeypatch.setitem(app.config, "ATTACHMENT_MAX_BYTES", 100 * 1024)
    assert upload(login(pw.sw1), pw.sw1, NOTE, "note.pdf").status_code == 413
    assert stored_files(app) == [] and db.session.scalars(select(Document)).all() == []
    assert logged("document_uploaded") == []


def test_a_request_far_over_the_limit_is_refused_before_it_is_read(app, pw, login,
                                                                   monkeypatch):
    monkeypatch.setitem(app.config, "ATTACHMENT_MAX_BYTES", 10 * 1024)
    assert upload(login(pw.sw1), pw.sw1, NOTE, "note.pdf").status_code == 413
    assert stored_files(app) == [] and db.session.scalars(select(Document)).all() == []


def test_a_save_that_fails_after_the_file_is_stored_keeps_no_file(app, pw, login,
                                                                 monkeypatch):
    client = login(pw.sw1)

    def failing_commit() -> None:
        raise RuntimeError("the database went away")

    with monkeypatch.context() as patch:
        patch.setattr(db.session, "commit", failing_commit)
        assert upload(client, pw.sw1, NOTE, "note.pdf").status_code == 500
    db.session.rollback()
    assert stored_files(app) == [] and db.session.scalars(select(Document)).all() == []


def test_removing_a_document_shreds_its_file(app, pw, login):
    upload(login(pw.sw1), pw.sw1, NOTE, "Reflective log.pdf")
    document_id = only_document().id
    client = login(pw.tm)
    response = client.post(f"{url(pw.sw1)}/documents/{document_id}/remove")
    assert response.status_code == 303
    db.session.expire_all()
    document = only_document()
    assert document.destroyed_at is not None and document.file_key_enc is None
    assert document.filename_enc is None and stored_files(app) == []
    assert client.get(f"{url(pw.sw1)}/documents/{document_id}").status_code == 404
    assert client.post(f"{url(pw.sw1)}/documents/{document_id}/remove").status_code == 404
    assert "Reflective log.pdf" not in client.get(url(pw.sw1)).text
    [removed] = logged("document_removed")
    assert removed.user_id == pw.tm.id and logged("document_downloaded") == []


def test_signed_out_people_are_refused(app, pw, login):
    upload(login(pw.sw1), pw.sw1, NOTE, "note.pdf")
    document = only_document()
    anonymous = app.test_client()
    assert anonymous.get(f"{url(pw.sw1)}/documents/{document.id}").status_code in (302, 401)
    assert logged("document_downloaded") == []
