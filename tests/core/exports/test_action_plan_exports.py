"""Action plan exports: the actions the person sees, with case codes and never identity."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from flask import url_for

from core.accesslog.models import AccessLogEntry
from core.exports.models import ExportFile
from core.extensions import db
from tests.core.exports.conftest import SECRETS, download, pdf_pages, xlsx_text
from tests.support.reports import add_action, canary_case


@pytest.fixture
def actions(world):
    case = canary_case(world)
    first = add_action(world, case=case, what="=cmd|' /C calc'!A0", due=date(2025, 5, 1))
    second = add_action(world, agency=world.b, what="Record the child's views")
    db.session.commit()
    return case, first, second


def ask(client, **fields):
    client.post(url_for("exports.actions"), data=fields)
    db.session.expire_all()
    return db.session.scalars(db.select(ExportFile).order_by(ExportFile.created_at.desc())
                              ).first()


def test_an_action_plan_exports_to_xlsx_with_case_codes_only(world, login, actions):
    case, first, second = actions
    client = login(world.coordinator)

    export = ask(client, partnership=world.p1.id, format="xlsx")
    content = download(client, export).data

    sheet = openpyxl.load_workbook(io.BytesIO(content))["Actions"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "OFFICIAL-SENSITIVE"
    assert sheet.oddHeader.center.text == "OFFICIAL-SENSITIVE"
    header = rows[rows.index(next(r for r in rows if r[0] == "Reference"))]
    found = {r[0]: dict(zip(header, r, strict=True)) for r in rows if str(r[0]).startswith("ACT-")}
    assert set(found) == {first.reference, second.reference}
    assert found[first.reference]["Case code"] == case.code
    assert found[first.reference]["Action"] == "'=cmd|' /C calc'!A0"  # not a formula
    assert export.rows == 2
    assert not any(s in xlsx_text(content) for s in SECRETS)


def test_an_action_plan_exports_to_csv_and_pdf_marked(world, login, actions):
    case, first, _ = actions
    client = login(world.coordinator)

    text = download(client, ask(client, partnership=world.p1.id, format="csv")).text
    pages = pdf_pages(download(client, ask(client, partnership=world.p1.id,
                                             format="pdf")).data)

    assert text.splitlines()[0] == "OFFICIAL-SENSITIVE"
    assert text.splitlines()[1].startswith("Reference,")
    assert case.code in text and first.reference in text
    assert all("OFFICIAL-SENSITIVE" in page for page in pages)
    assert case.code in "".join(pages)
    for secret in SECRETS:
        assert secret not in text and secret not in "".join(pages)


def test_the_export_holds_only_the_actions_the_person_sees(world, login, actions):
    _, first, second = actions
    client = login(world.hos_a)

    text = download(client, ask(client, partnership=world.p1.id, format="csv")).text

    assert first.reference in text and second.reference not in text


def test_filters_from_the_tracker_narrow_the_export(world, login, actions):
    _, first, second = actions
    client = login(world.coordinator)

    text = download(client, ask(client, partnership=world.p1.id, agency=world.b.id,
                                format="csv")).text

    assert second.reference in text and first.reference not in text


def test_an_action_plan_export_is_logged(world, login, actions):
    client = login(world.coordinator)
    export = ask(client, partnership=world.p1.id, format="xlsx")
    download(client, export)

    entries = db.session.scalars(db.select(AccessLogEntry).filter_by(object_code=export.id))
    assert sorted((e.action, e.object_type, e.user_id) for e in entries) == [
        ("export_created", "action_plan", world.coordinator.id),
        ("export_downloaded", "action_plan", world.coordinator.id)]


@pytest.mark.parametrize(("fields", "field"), [
    ({"format": "xlsx"}, "partnership"),
    ({"partnership": "p2", "format": "xlsx"}, "partnership"),
    ({"partnership": "p1"}, "format"),
])
def test_a_bad_request_is_reported_on_its_field(world, login, actions, fields, field):
    fields = {k: (getattr(world, v).id if k == "partnership" else v) for k, v in fields.items()}

    response = login(world.coordinator).post(url_for("exports.actions"), data=fields)

    assert response.status_code == 400
    assert f'href="#{field}"' in response.text
    assert world.p2.name not in response.text
    assert db.session.scalar(db.select(db.func.count(ExportFile.id))) == 0


def test_the_export_form_keeps_the_trackers_filters(world, login, actions):
    page = login(world.coordinator).get(url_for(
        "exports.actions", partnership=world.p1.id, agency=world.b.id, overdue="yes")).text

    assert f'<input type="hidden" name="agency" value="{world.b.id}">' in page
    assert f'<option value="{world.p1.id}" selected>' in page
    assert 'name="overdue" type="checkbox" value="yes" checked' in page
