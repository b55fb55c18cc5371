"""Report exports: built by a job, marked, readable, free of identity, logged, owner-only."""

from __future__ import annotations

import io
from datetime import timedelta

import openpyxl
import pytest
from flask import url_for

from core.accesslog.models import AccessLogEntry
from core.exports import service
from core.exports.models import ExportFile
from core.extensions import db
from core.identity.models import Membership
from core.jobs.models import JobRecord
from core.timeutil import utcnow
from tests.core.exports.conftest import SECRETS, download, pdf_pages, xlsx_text
from tests.fixtures.plugins.example.views import Note
from tests.support.factories import make_user
from tests.support.reports import add_grade, allocate, canary_case


@pytest.fixture
def graded(world):
    """A quarter with a graded, allocated canary case and an example note."""
    case = canary_case(world, team=world.team_a)
    allocate(case, world.tm_a)
    add_grade(case, 1, "file_review", "requires_improvement")
    add_grade(case, 1, "file_review", "inadequate", domain="=SUM(A1)")
    db.session.add(Note(agency_id=world.a.id, text="A note", case_id=case.id))
    db.session.commit()
    return case


def logged(action: str, export: ExportFile) -> list[AccessLogEntry]:
    return list(db.session.scalars(db.select(AccessLogEntry).filter_by(
        action=action, object_code=export.id)))


def test_an_xlsx_export_is_built_by_a_job_and_reads_back_marked(world, login, graded,
                                                                export_report):
    client = login(world.coordinator)

    response, export = export_report(client, "xlsx")

    assert response.status_code == 302
    assert response.location.endswith(f"/exports/{export.id}")
    job = db.session.get(JobRecord, export.job_id)
    assert (job.status, job.progress, job.result_url) == ("finished", 100,
                                                          f"/exports/{export.id}")
    page = client.get(response.location).text
    assert "Your file is ready" in page
    content = download(client, export).data
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book["Report"]
    assert sheet["A1"].value == "OFFICIAL-SENSITIVE"
    assert sheet.oddHeader.center.text == "OFFICIAL-SENSITIVE"
    cells = [c.value for row in sheet.iter_rows() for c in row if c.value is not None]
    for title in ("Completion against allocation", "Grade mix", "Moderation", "Actions",
                  "Themes"):
        assert title in cells
    assert "'=SUM(A1)" in cells  # a formula is kept as text
    assert not any(s in xlsx_text(content) for s in SECRETS)


def test_a_csv_export_has_the_marking_on_its_first_line(world, login, graded, export_report):
    client = login(world.coordinator)

    _, export = export_report(client, "csv")
    response = download(client, export)

    lines = response.text.splitlines()
    assert lines[0] == "OFFICIAL-SENSITIVE"
    assert lines[1] == "Section,Part,Row,Column,Value"
    assert "Grade mix,Grades at file review, overall and by domain" not in response.text
    assert 'Grade mix,"Grades at file review, overall and by domain",Overall,' \
           'Requires improvement,1' in response.text
    assert response.headers["Content-Disposition"].startswith('attachment; filename="qa-report-')
    assert not any(s in response.text for s in SECRETS)
    assert graded.code not in response.text


def test_a_pdf_export_is_marked_on_every_page(world, login, graded, export_report):
    client = login(world.coordinator)

    _, export = export_report(client, "pdf")
    content = download(client, export).data

    pages = pdf_pages(content)
    assert content.startswith(b"%PDF-")
    assert len(pages) >= 2
    assert all("OFFICIAL-SENSITIVE" in page for page in pages)
    text = "\n".join(pages)
    assert "Grade mix" in text and "Requires improvement" in text
    assert not any(s in text for s in SECRETS)


def test_every_export_and_download_is_in_the_access_log(world, login, graded, export_report):
    client = login(world.coordinator)
    _, export = export_report(client, "csv")

    download(client, export)

    [created] = logged("export_created", export)
    [downloaded] = logged("export_downloaded", export)
    assert created.user_id == downloaded.user_id == world.coordinator.id
    assert created.partnership_id == world.p1.id
    assert created.detail == "csv; Northbrook; 2025-04-01 to 2025-06-30"


def test_the_file_is_encrypted_at_rest(world, login, graded, export_report):
    _, export = export_report(login(world.coordinator), "csv")

    on_disk = service.path_of(export).read_bytes()

    assert b"OFFICIAL-SENSITIVE" not in on_disk and export.file_key_enc
    assert b"".join(service.open_content(export)).startswith(b"OFFICIAL-SENSITIVE")


@pytest.mark.parametrize("other", ["tm_a", "admin", "second_coordinator"])
def test_someone_elses_export_is_not_found(world, login, graded, export_report, other):
    _, export = export_report(login(world.coordinator), "xlsx")
    world.second_coordinator = make_user("partnership_coordinator", world.p1)
    db.session.commit()

    client = login(getattr(world, other))

    assert client.get(url_for("exports.show", export_id=export.id)).status_code == 404
    assert download(client, export).status_code == 404
    assert logged("export_downloaded", export) == []


def test_an_owner_who_lost_the_permission_cannot_download(world, login, graded, export_report):
    client = login(world.coordinator)
    _, export = export_report(client, "xlsx")
    db.session.execute(db.delete(Membership).filter_by(user_id=world.coordinator.id))
    db.session.commit()

    assert download(client, export).status_code == 404


def test_a_report_the_person_may_not_see_cannot_be_exported(world, login, export_report):
    response, export = export_report(login(world.tm_a), "pdf", agency=world.b)

    assert response.status_code == 404 and export is None


def test_an_agency_report_export_counts_only_that_agency(world, login, graded, export_report):
    client = login(world.tm_a)

    _, export = export_report(client, "csv", agency=world.a)
    text = download(client, export).text

    assert "Northbrook Council (Northbrook)" in text
    assert "Example notes,Figures,Notes written,Value,1" in text


def test_an_expired_export_is_gone_and_the_purge_shreds_its_file(world, login, graded,
                                                                 export_report):
    client = login(world.coordinator)
    _, export = export_report(client, "xlsx")
    path = service.path_of(export)
    export.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()

    assert download(client, export).status_code == 404  # past its time, not yet purged
    assert service.purge_expired() == {"purged": 1}
    db.session.commit()

    assert not path.exists()
    assert (export.status, export.file_key_enc) == ("expired", None)
    assert download(client, export).status_code == 410
    assert "has expired" in client.get(url_for("exports.show", export_id=export.id)).text


def test_the_exports_list_shows_only_ones_own(world, login, graded, export_report):
    export_report(login(world.coordinator), "csv")

    assert "QA report" in login(world.coordinator).get(url_for("exports.index")).text
    assert "QA report" not in login(world.tm_a).get(url_for("exports.index")).text
