"""Briefing material as a file: the coordinator attaches it to the audit, everyone in the audit
group downloads it (logged, never rendered by the browser), nobody else can, a refused or
oversized file keeps nothing, and removing it shreds it."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from core.accesslog.models import AccessLogEntry
from core.documents.models import Document
from core.extensions import db
from plugins.multi_agency.models import MultiAgencyBriefing
from tests.support.files import own_instance, stored_files  # noqa: F401

PACK = b"%PDF-1.7\n" + b"ZZBRIEFING-PACK " * 9000 + b"\n%%EOF\n"  # ~140 KiB: several chunks


pytestmark = pytest.mark.usefixtures("own_instance")


def attach(client, audit, content: bytes, name: str, **fields):
    data = {"title": "Neglect briefing pack", **fields, "file": (io.BytesIO(content), name)}
    return client.post(f"/multi-agency/{audit.id}/briefings", data=data,
                       content_type="multipart/form-data")


def logged(action: str) -> list[AccessLogEntry]:
    return list(db.session.scalars(select(AccessLogEntry).where(AccessLogEntry.action == action)))


def test_the_group_downloads_the_briefing_file_and_each_download_is_logged(app, audit, ma,
                                                                          login):
    assert attach(login(ma.coordinator), audit, PACK, "Neglect pack v2.pdf").status_code == 303
    briefing = db.session.scalars(select(MultiAgencyBriefing)).one()
    files = stored_files(app)
    assert len(files) == 1 and b"ZZBRIEFING-PACK" not in files[0].read_bytes()
    assert "Neglect pack v2" not in str(files[0])

    page = login(ma.lead_h).get(f"/multi-agency/{audit.id}").text
    link = f"/multi-agency/{audit.id}/briefings/{briefing.id}/file"
    assert link in page and "Download Neglect pack v2.pdf" in page
    got = login(ma.lead_h).get(link)
    assert got.status_code == 200 and got.data == PACK
    assert got.headers["Content-Disposition"] == \
        f'attachment; filename="{audit.reference}-briefing-{briefing.id}.pdf"'
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in got.headers["Content-Security-Policy"]
    assert got.headers["Cache-Control"] == "no-store"
    assert len(logged("document_uploaded")) == 1
    downloads = logged("document_downloaded")
    assert [e.user_id for e in downloads] == [ma.lead_h.id]
    assert downloads[0].detail.startswith(f"multi_agency_audit:{audit.reference}")


def test_another_partnerships_auditor_cannot_download_it(app, audit, ma, login):
    attach(login(ma.coordinator), audit, PACK, "pack.pdf")
    briefing = db.session.scalars(select(MultiAgencyBriefing)).one()
    link = f"/multi-agency/{audit.id}/briefings/{briefing.id}/file"
    assert login(ma.lead_c).get(link).status_code in (403, 404)
    assert logged("document_downloaded") == []


def test_a_file_that_is_not_what_its_name_says_is_refused_and_nothing_is_kept(app, audit, ma,
                                                                             login):
    bad = attach(login(ma.coordinator), audit, b"<html><script>x</script></html>", "pack.pdf")
    assert bad.status_code == 400
    assert 'href="#file"' in bad.text and "not a real PDF" in bad.text
    assert stored_files(app) == []
    assert db.session.scalars(select(Document)).all() == []
    assert db.session.scalars(select(MultiAgencyBriefing)).all() == []


def test_other_field_errors_store_no_file(app, audit, ma, login):
    bad = attach(login(ma.coordinator), audit, PACK, "pack.pdf", title="")
    assert bad.status_code == 400 and 'href="#title"' in bad.text
    assert stored_files(app) == [] and db.session.scalars(select(Document)).all() == []


def test_a_file_over_the_limit_is_refused_with_413_and_nothing_is_kept(app, audit, ma, login):
    app.config["ATTACHMENT_MAX_BYTES"] = 100 * 1024
    assert attach(login(ma.coordinator), audit, PACK, "pack.pdf").status_code == 413
    assert stored_files(app) == [] and db.session.scalars(select(Document)).all() == []


def test_only_the_coordinator_attaches_material(app, audit, ma, login):
    assert attach(login(ma.lead_h), audit, PACK, "pack.pdf").status_code == 403
    assert stored_files(app) == []


def test_removing_the_material_shreds_its_file(app, audit, ma, login):
    client = login(ma.coordinator)
    attach(client, audit, PACK, "pack.pdf")
    briefing = db.session.scalars(select(MultiAgencyBriefing)).one()
    briefing_id = briefing.id
    assert login(ma.lead_h).post(
        f"/multi-agency/{audit.id}/briefings/{briefing_id}/remove").status_code == 403
    client = login(ma.coordinator)
    assert client.post(f"/multi-agency/{audit.id}/briefings/{briefing_id}/remove"
                       ).status_code == 303
    db.session.expire_all()
    document = db.session.scalars(select(Document)).one()
    assert document.destroyed_at is not None and document.file_key_enc is None
    assert document.filename_enc is None and stored_files(app) == []
    assert db.session.get(MultiAgencyBriefing, briefing_id) is None
    assert client.get(f"/multi-agency/{audit.id}/briefings/{briefing_id}/file"
                      ).status_code == 404
    assert len(logged("document_removed")) == 1


def test_notes_a_link_or_a_file_is_needed(app, audit, ma, login):
    bad = login(ma.coordinator).post(f"/multi-agency/{audit.id}/briefings",
                                     data={"title": "Pack"})
    assert bad.status_code == 400 and "Enter notes, a link or choose a file" in bad.text
