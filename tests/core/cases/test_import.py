"""Bulk coding from CSV: per-line errors, nothing half-imported, the same rules as the case page."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import func, select

from core.accesslog.models import AccessLogEntry
from core.cases.importer import COLUMNS, check_file, write_cases
from core.cases.models import Case
from core.extensions import db
from tests.core.cases.conftest import CANARY_REF

HEADER = COLUMNS


def row(n: int, **changes) -> dict[str, str]:
    values = {"name": f"Child {n} Example", "date_of_birth": "2012-03-27",
              "record_id": f"CR-{n:05d}", "nhs_number": "", "alias": "", "sex": "female",
              "ethnicity": "WBRI", "disability": "no", "cohort": "child_in_need",
              "team": "Assessment", "practitioner_email": "sw.a@example.test"}
    return {**values, **changes}


def csv_bytes(rows: list[dict[str, str]], header=HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def case_count() -> int:
    return db.session.scalar(select(func.count(Case.id)))


def log_count() -> int:
    return db.session.scalar(select(func.count(AccessLogEntry.id)))


def test_a_clean_file_imports_every_row_in_one_go(world):
    data = csv_bytes([row(n) for n in range(1, 4)] + [row(4, date_of_birth="27/03/2012",
                                                        nhs_number="943 476 5919")])
    check = check_file(data, world.p1, world.a)
    assert check.ok and len(check.rows) == 4
    cases = write_cases(check, world.p1, world.a, by=world.coordinator)
    db.session.commit()
    assert case_count() == 4
    fourth = db.session.scalar(select(Case).where(Case.id == cases[3].id))
    assert fourth.unseal("name") == "Child 4 Example"
    assert fourth.unseal("date_of_birth") == "2012-03-27"
    assert fourth.unseal("nhs_number") == "9434765919"
    assert fourth.team_id == world.team_a.id and fourth.practitioner_id == world.practitioner_a.id
    assert fourth.agency_id == world.a.id and fourth.code.startswith("NB-")
    assert fourth.age_band and fourth.cohort == "child_in_need" and fourth.ethnicity == "WBRI"
    logged = db.session.scalars(select(AccessLogEntry.object_code).where(
        AccessLogEntry.action == "case_coded")).all()
    assert sorted(logged) == sorted(c.code for c in cases)


def test_a_dry_run_saves_nothing(world):
    before = log_count()
    check = check_file(csv_bytes([row(n) for n in range(1, 6)]), world.p1, world.a)
    db.session.commit()
    assert check.ok and len(check.rows) == 5
    assert case_count() == 0 and log_count() == before


def test_import_errors_name_the_line_and_the_column(world):
    rows = [row(1), row(2, date_of_birth="31/02/2015"), row(3, team="Nonexistent team"),
            row(4, ethnicity="ZZZZ"), row(5, name=""), row(6, nhs_number="943 476 5918"),
            row(7, cohort="dinosaur"), row(8, practitioner_email="nobody@example.test")]
    check = check_file(csv_bytes(rows), world.p1, world.a)
    messages = [str(e) for e in check.errors]
    assert messages == [
        "Line 3, column date_of_birth: 31/02/2015 is not a real date: use YYYY-MM-DD or "
        "DD/MM/YYYY",
        "Line 4, column team: Team must be a team of Northbrook Council (the file has "
        "'Nonexistent team')",
        "Line 5, column ethnicity: Ethnicity must be a DfE ethnicity code, like WBRI (the file "
        "has 'ZZZZ')",
        "Line 6, column name: Enter the child's name",
        "Line 7, column nhs_number: Enter a valid NHS number: check it was typed correctly",
        "Line 8, column cohort: Select a cohort from the list (the file has 'dinosaur')",
        "Line 9, column practitioner_email: Practitioner must be someone with an account in "
        "Northbrook Council (the file has 'nobody@example.test')",
    ]
    assert not any("Child" in m or "9434765918" in m for m in messages)  # identity not echoed


def test_one_bad_line_among_fifty_good_ones_saves_nothing(world):
    rows = [row(n) for n in range(1, 51)]
    rows.insert(30, row(99, date_of_birth="2031-01-01"))
    check = check_file(csv_bytes(rows), world.p1, world.a)
    assert [str(e) for e in check.errors] == [
        "Line 32, column date_of_birth: Date of birth must be today or in the past"]
    assert not check.ok and len(check.rows) == 50
    with pytest.raises(ValueError):
        write_cases(check, world.p1, world.a, by=None)
    db.session.commit()
    assert case_count() == 0


def test_a_record_id_twice_in_the_file_is_reported_on_its_second_line(world):
    rows = [row(1), row(2, record_id="CR-00001"), row(3), row(4, record_id=" cr-00003 ")]
    check = check_file(csv_bytes(rows), world.p1, world.a)
    assert [str(e) for e in check.errors] == [
        "Line 3, column record_id: The same council case-record id is on line 2: a case can "
        "only be in the file once",
        "Line 5, column record_id: The same council case-record id is on line 4: a case can "
        "only be in the file once",
    ]


def test_a_record_id_already_registered_in_the_partnership_is_reported(world, canary_case):
    rows = [row(1), row(2, record_id=CANARY_REF.lower())]
    check = check_file(csv_bytes(rows), world.p1, world.a)
    assert [str(e) for e in check.errors] == [
        "Line 3, column record_id: A case with this council case-record id is already "
        "registered in this partnership"]


def test_the_same_record_id_in_another_partnership_is_not_a_duplicate(world, canary_case):
    rows = [row(1, record_id=CANARY_REF, team="Children in care", practitioner_email="")]
    check = check_file(csv_bytes(rows), world.p2, world.c)
    assert check.ok


def test_a_file_without_a_required_column_or_with_an_unknown_one_is_refused(world):
    header = [c for c in HEADER if c != "cohort"] + ["colour"]
    check = check_file(csv_bytes([row(1)], header=header), world.p1, world.a)
    assert [str(e) for e in check.errors] == [
        "Line 1: Column 'colour' is not one we know. The columns are: " + ",".join(COLUMNS),
        "Line 1: The column 'cohort' is missing. The first line must name it",
    ]


def test_optional_columns_may_be_left_out(world):
    header = ("name", "date_of_birth", "record_id", "cohort")
    check = check_file(csv_bytes([row(1)], header=header), world.p1, world.a)
    assert check.ok and check.rows[0].attributes["team_id"] is None


def test_an_agency_outside_the_partnership_is_refused_for_the_whole_file(world):
    check = check_file(csv_bytes([row(1)]), world.p1, world.c)
    assert [str(e) for e in check.errors] == ["Southmere Council is not part of Northbrook"]


def test_a_file_that_is_not_utf8_is_refused(world):
    check = check_file("name\nZoë".encode("latin-1"), world.p1, world.a)
    assert "not UTF-8" in str(check.errors[0])
