"""Bulk import of people from CSV: per-line errors, all or nothing, reach, limits."""

from __future__ import annotations

import io
import re

from sqlalchemy import func, select

from core.admin import people_import
from core.admin.people_import import check_file
from core.extensions import db
from core.identity.models import User
from tests.fixtures.plugins.example import views as example_views
from tests.support import factories as f

HEADER = "name,email,agency,team,role,partnership,line_manager_email,expires_on\n"


def csv_file(*lines: str) -> bytes:
    return (HEADER + "".join(line + "\n" for line in lines)).encode()


GOOD = (
    "Ada Brook,ada@northbrook.example,Northbrook Council,Assessment,team_manager,,,",
    "Ben Cole,ben@northbrook.example,Northbrook Council,Assessment,practitioner,,"
    "ada@northbrook.example,2099-03-31",
    "Cara Dunn,cara@northbrook.example,,,board_member,Northbrook,,",
)


def people_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(User.id)))


def upload(client, data: bytes):
    return client.post("/admin/people/import",
                       data={"file": (io.BytesIO(data), "people.csv")},
                       content_type="multipart/form-data")


def test_a_file_with_one_bad_line_reports_the_line_and_column_and_saves_nothing(world, login):
    before = people_count()
    client = login(world.coordinator)
    bad = "Dan Eve,dan@northbrook.example,Northbrook Council,,manager,,,"
    page = upload(client, csv_file(GOOD[0], GOOD[1], bad))
    assert page.status_code == 200
    assert "Line 4" in page.text
    row = re.search(r"Line 4</td>\s*<td[^>]*>role</td>\s*<td[^>]*>(.*?)</td>", page.text)
    assert row and "&#39;manager&#39; is not a role. Use one of: practitioner" in row.group(1)
    assert "Nothing has been imported" in page.text
    assert 'name="confirm"' not in page.text
    # even a tampered confirmation imports nothing from a file with errors
    import base64
    content = base64.b64encode(csv_file(GOOD[0], GOOD[1], bad)).decode()
    client.post("/admin/people/import", data={"confirm": "yes", "content": content})
    assert people_count() == before


def test_checking_a_file_saves_nothing_and_offers_the_import(world, login):
    before = people_count()
    page = upload(login(world.coordinator), csv_file(*GOOD))
    assert "Import 3 people" in page.text
    assert "ada@northbrook.example" in page.text
    assert people_count() == before


def test_a_clean_file_imports_every_row_in_one_go(world, login):
    example_views.CREATED.clear()
    client = login(world.coordinator)
    page = upload(client, csv_file(*GOOD))
    content = re.search(r'name="content" value="([^"]+)"', page.text).group(1)
    response = client.post("/admin/people/import", data={"confirm": "yes", "content": content})
    assert response.status_code == 302
    db.session.expire_all()
    ada, ben, cara = (db.session.scalars(select(User).filter_by(email=e)).one()
                      for e in ("ada@northbrook.example", "ben@northbrook.example",
                                "cara@northbrook.example"))
    assert ben.memberships[0].line_manager_id == ada.id
    assert ben.memberships[0].team.name == "Assessment"
    assert cara.memberships[0].partnership_id == world.p1.id
    assert ada.password_hash is None
    assert sorted(example_views.CREATED) == sorted(
        ["ada@northbrook.example", "ben@northbrook.example", "cara@northbrook.example"])


def test_the_importer_refuses_agencies_the_admin_does_not_reach(world, login):
    page = upload(login(world.coordinator), csv_file(
        "Eve Fox,eve@northbrook.example,Southmere Council,,practitioner,,,"))
    assert "No agency called &#39;Southmere Council&#39; that you manage" in page.text
    check = check_file(csv_file("Eve Fox,eve@x.example,Southmere Council,,practitioner,,,"),
                       None)
    assert check.ok


def test_duplicate_emails_in_the_file_or_already_registered_are_errors(world):
    f.make_user("practitioner", world.b, email="tim.mann@northbrook.example")
    db.session.commit()
    check = check_file(csv_file(
        GOOD[0],
        "Ada Again,ADA@northbrook.example,Northbrook Council,,practitioner,,,",
        "Tim Mann,Tim.Mann@northbrook.example,Northbrook Police,,practitioner,,,",
    ), None)
    messages = [str(e) for e in check.errors]
    assert "Line 3, column email: 'ada@northbrook.example' is also on line 2" in messages
    assert ("Line 4, column email: A person with the email address "
            "'tim.mann@northbrook.example' already exists") in messages


def test_each_row_is_checked_column_by_column(world):
    check = check_file(csv_file(
        ",bad-email,Northbrook Council,Nowhere,practitioner,,,",
        "Pat Reed,pat@northbrook.example,Northbrook Council,,board_member,,,",
        "Sol Tan,sol@northbrook.example,,,practitioner,,nobody@northbrook.example,31/13/2030",
        "Uma Vale,uma@northbrook.example,,,platform_admin,,,2001-01-01",
    ), None)
    found = {(e.line, e.column) for e in check.errors}
    assert {(2, "name"), (2, "email"), (2, "team"), (3, "agency"), (3, "partnership"),
            (4, "agency"), (4, "line_manager_email"), (4, "expires_on"),
            (5, "expires_on")} <= found
    assert not check.ok


def test_a_coordinators_file_cannot_make_platform_admins(world):
    check = check_file(csv_file("Uma Vale,uma@northbrook.example,,,platform_admin,,,"),
                       world.coordinator)
    assert [str(e) for e in check.errors] == [
        "Line 2, column role: Only a platform administrator can make someone a platform "
        "administrator"]


def test_long_cells_are_shortened_in_messages(world):
    check = check_file(csv_file(f"Ann,ann@northbrook.example,{'A' * 5000},,practitioner,,,"),
                       None)
    [error] = check.errors
    assert len(error.message) < 120 and "…" in error.message


def test_a_file_without_the_right_columns_is_refused_at_line_1(world):
    check = check_file(b"name,email,agency,role,colour\nA,a@b.example,X,practitioner,red\n", None)
    messages = [str(e) for e in check.errors]
    assert any(m.startswith("Line 1: Column 'colour' is not one we know") for m in messages)
    assert any("The column 'team' is missing" in m for m in messages)


def test_files_over_the_size_or_row_limits_are_refused_with_a_clear_message(world, monkeypatch):
    big = check_file(b"x" * (people_import.MAX_BYTES + 1), None)
    assert "larger than 2 MB" in str(big.errors[0])
    monkeypatch.setattr(people_import, "MAX_ROWS", 2)
    many = check_file(csv_file(*GOOD), None)
    assert "more than 2 people" in str(many.errors[0])
    assert check_file("name\n".encode("utf-16"), None).errors[0].message.startswith(
        "The file is not UTF-8")


def test_line_numbers_count_blank_lines_and_quoted_line_breaks(world):
    data = csv_file('"Multi\nLine",ml@northbrook.example,Northbrook Council,,practitioner,,,',
                    "", "No Email,,Northbrook Council,,practitioner,,,")
    assert [(e.line, e.column) for e in check_file(data, None).errors] == [(2, "name"),
                                                                          (5, "email")]


def test_a_manager_without_the_manage_permission_cannot_open_the_import(world, login):
    assert login(world.hos_a).get("/admin/people/import").status_code == 403
