"""The import page, the held file, the import job and `flask cases import`."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.cases import import_runs
from core.cases.importer import check_file
from core.cases.models import Case, CaseImport, CaseImportItem
from core.cases.service import register_case
from core.extensions import db
from core.jobs import JobRecord
from core.timeutil import utcnow
from tests.core.cases.conftest import attributes, identity
from tests.core.cases.test_import import csv_bytes, row
from tests.support.factories import make_user
from tests.support.files import own_instance  # noqa: F401

pytestmark = pytest.mark.usefixtures("own_instance")


def upload(client, data: bytes, **form):
    fields = {"file": (io.BytesIO(data), "cases.csv"), **form}
    return client.post("/cases/import", data=fields, content_type="multipart/form-data")


def held_files(app) -> list[Path]:
    folder = Path(app.instance_path) / "case_imports"
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def cases() -> int:
    return db.session.scalar(select(func.count(Case.id)))


def test_checking_a_file_with_one_bad_line_shows_the_problems_and_keeps_nothing(
        app, world, registrar, login):
    rows = [row(n) for n in range(1, 51)]
    rows.insert(6, row(77, date_of_birth="31/02/2015"))
    response = upload(login(registrar), csv_bytes(rows))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The file has 1 problem" in page and "Line 8" in page
    assert "31/02/2015 is not a real date" in page
    assert "Child 77" not in page
    db.session.expire_all()
    assert cases() == 0 and db.session.scalar(select(func.count(CaseImport.id))) == 0
    assert held_files(app) == []


def test_a_clean_file_is_checked_then_imported_by_a_job_with_ids_only(
        app, world, registrar, login):
    client = login(registrar)
    response = upload(client, csv_bytes([row(n) for n in range(1, 4)]))
    assert response.status_code == 302
    result_url = response.headers["Location"]
    ready = client.get(result_url).get_data(as_text=True)
    assert "3 cases ready to import" in ready and "Import 3 cases" in ready
    held = db.session.scalars(select(CaseImport)).one()
    assert cases() == 0 and len(held_files(app)) == 1
    started = client.post(f"/cases/import/{held.id}/run")
    job = db.session.scalars(select(JobRecord)).one()
    assert started.headers["Location"].endswith(f"/jobs/{job.id}")
    assert (job.name, json.loads(job.kwargs)) == ("core.case_import", {"import_id": held.id})
    db.session.expire_all()
    job = db.session.get(JobRecord, job.id)
    assert job.status == "finished" and job.progress == 100
    assert job.result_url == f"/cases/import/{held.id}"
    assert "See the result" in client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert cases() == 3 and db.session.get(CaseImport, held.id).status == "imported"
    assert held_files(app) == []
    done = client.get(result_url).get_data(as_text=True)
    assert "3 cases imported" in done
    for case in db.session.scalars(select(Case)):
        assert case.code in done


def test_the_held_file_contains_no_identity_in_the_clear(app, world, registrar, login):
    upload(login(registrar), csv_bytes([row(1, name="ZZCANARY-NAME", record_id="ZZREF-0001")]))
    (path,) = held_files(app)
    raw = path.read_bytes()
    assert b"ZZCANARY" not in raw and b"ZZREF" not in raw and b"2012-03-27" not in raw
    assert "cases.csv" not in str(path)


def test_an_import_run_twice_codes_its_cases_once(world, registrar):
    check = check_file(csv_bytes([row(1), row(2)]), world.p1, world.a)
    held = import_runs.hold(csv_bytes([row(1), row(2)]), world.p1, world.a, check, registrar)
    db.session.commit()
    import_runs.run_import(held.id)
    import_runs.run_import(held.id)
    assert cases() == 2
    assert db.session.scalar(select(func.count()).select_from(CaseImportItem)) == 2


def test_a_case_coded_after_the_check_makes_the_whole_import_fail(app, world, registrar):
    data = csv_bytes([row(n) for n in range(1, 6)])
    held = import_runs.hold(data, world.p1, world.a, check_file(data, world.p1, world.a),
                            registrar)
    register_case(world.p1, world.a, identity(record_id="CR-00004"), attributes(), by=None)
    db.session.commit()
    import_runs.run_import(held.id)
    db.session.expire_all()
    assert cases() == 1
    held = db.session.get(CaseImport, held.id)
    assert held.status == "failed" and "1 problem" in held.problem
    assert held_files(app) == [] and held.storage_key is None


def test_a_held_file_is_deleted_after_an_hour_and_can_no_longer_be_imported(
        app, world, registrar):
    data = csv_bytes([row(1)])
    held = import_runs.hold(data, world.p1, world.a, check_file(data, world.p1, world.a),
                            registrar)
    db.session.commit()
    assert import_runs.purge_expired(utcnow() + timedelta(minutes=59)) == 0
    assert import_runs.purge_expired(utcnow() + timedelta(minutes=61)) == 1
    db.session.commit()
    assert held_files(app) == []
    import_runs.run_import(held.id)
    assert cases() == 0 and db.session.get(CaseImport, held.id).status == "expired"


def test_only_the_person_who_checked_the_file_may_import_it(world, registrar, login):
    data = csv_bytes([row(1)])
    held = import_runs.hold(data, world.p1, world.a, check_file(data, world.p1, world.a),
                            registrar)
    db.session.commit()
    other = make_user("qa_officer", world.a, email="qa.other@example.test")
    db.session.commit()
    assert login(other).post(f"/cases/import/{held.id}/run").status_code == 403
    assert db.session.get(CaseImport, held.id).status == "checked"


def test_someone_in_another_partnership_cannot_see_an_import(world, registrar, login):
    data = csv_bytes([row(1)])
    held = import_runs.hold(data, world.p1, world.a, check_file(data, world.p1, world.a),
                            registrar)
    db.session.commit()
    outsider = make_user("qa_officer", world.c, email="qa.c@example.test")
    db.session.commit()
    assert login(outsider).get(f"/cases/import/{held.id}").status_code == 404


def test_choosing_an_agency_the_user_does_not_code_for_is_refused(world, registrar, login):
    response = upload(login(registrar), csv_bytes([row(1)]), agency=str(world.b.id),
                      partnership=str(world.p1.id))
    assert response.status_code == 400
    assert "Select the agency that owns the cases" in response.get_data(as_text=True)
    assert cases() == 0


def test_the_import_page_needs_the_register_permission(world, login):
    assert login(world.practitioner_a).get("/cases/import").status_code == 403
    assert login(world.coordinator).get("/cases/import").status_code == 200


# --- flask cases import ---------------------------------------------------------------------


def run_cli(app, tmp_path, data: bytes, *extra: str):
    path = tmp_path / "upload.csv"
    path.write_bytes(data)
    return app.test_cli_runner().invoke(args=[
        "cases", "import", str(path), "--partnership", "NB", "--agency", "Northbrook Council",
        *extra])


def test_the_cli_prints_the_same_errors_as_the_page_and_exits_1(app, world, tmp_path):
    data = csv_bytes([row(1), row(2, date_of_birth="31/02/2015"), row(3, record_id="CR-00001")])
    expected = [str(e) for e in check_file(data, world.p1, world.a).errors]
    result = run_cli(app, tmp_path, data)
    assert result.exit_code == 1
    assert result.output.splitlines()[:2] == expected
    assert "nothing was imported" in result.output
    assert cases() == 0


def test_the_cli_dry_run_saves_nothing_and_a_real_run_imports_everything(app, world, tmp_path):
    data = csv_bytes([row(n) for n in range(1, 8)])
    dry = run_cli(app, tmp_path, data, "--dry-run")
    assert dry.exit_code == 0 and "7 cases ready to import" in dry.output
    assert cases() == 0
    real = run_cli(app, tmp_path, data)
    assert real.exit_code == 0 and "Imported 7 cases" in real.output
    db.session.expire_all()
    assert cases() == 7


def test_the_template_file_offered_on_the_page_checks_clean(world, registrar, login):
    response = login(registrar).get("/cases/import/template.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert check_file(response.data, world.p1, world.a).ok


def test_a_failed_import_says_nothing_was_imported_and_offers_a_new_check(
        world, registrar, login):
    data = csv_bytes([row(1), row(2)])
    held = import_runs.hold(data, world.p1, world.a, check_file(data, world.p1, world.a),
                            registrar)
    register_case(world.p1, world.a, identity(record_id="CR-00002"), attributes(), by=None)
    db.session.commit()
    import_runs.run_import(held.id)
    page = login(registrar).get(f"/cases/import/{held.id}").get_data(as_text=True)
    assert "Nothing was imported: the file now has 1 problem" in page
    assert "Check a file" in page and "Import 2 cases" not in page


def test_the_import_page_hides_the_choice_when_there_is_only_one_agency(world, registrar, login):
    page = login(registrar).get("/cases/import").get_data(as_text=True)
    assert f'name="agency" value="{world.a.id}"' in page and "Check file" in page
