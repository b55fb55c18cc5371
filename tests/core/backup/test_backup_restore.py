"""`flask backup` then `flask restore` into an empty database gives back everything, verified."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from core.accesslog.chain import verify
from core.app import create_app
from core.backup.tables import row_count, tables
from core.cases.attachments import find_attachment, open_content, store
from core.cases.models import Case
from core.cases.reveal import reveal
from core.cases.service import register_case
from core.extensions import db
from tests.conftest import base_config
from tests.support.databases import fresh_database

NAME = "ZZCANARY-BACKUP"


@pytest.fixture
def source(make_app, tmp_path):
    app = make_app(INSTANCE_PATH=str(tmp_path / "source"))
    with app.app_context():
        yield app


@pytest.fixture
def target(tmp_path):
    with fresh_database(tmp_path) as url:
        app = create_app(base_config(url, INSTANCE_PATH=str(tmp_path / "target")))
        with app.app_context():
            db.create_all()
            yield app
            db.session.remove()
            db.engine.dispose()


def _fill(world):
    case = register_case(world.p1, world.a, {"name": NAME, "record_id": "BK-1",
                                             "date_of_birth": "2013-03-03"},
                         {"cohort": "child_in_need"}, world.coordinator)
    db.session.commit()
    attachment = store(case, "notes.pdf", io.BytesIO(b"%PDF-1.4 evidence text"), world.coordinator)
    db.session.commit()
    reveal(case, world.coordinator, "auditing")
    db.session.commit()
    return case.code, attachment.id


def test_restore_gives_back_rows_files_identity_and_a_verified_log(source, world, tmp_path,
                                                                   target):
    with source.app_context():
        code, attachment_id = _fill(world)
        counts = {t.name: row_count(t) for t in tables()}
        out = tmp_path / "platform.backup"
        result = source.test_cli_runner().invoke(args=["backup", "--out", str(out)])
        assert result.exit_code == 0, result.output
    assert NAME.encode() not in out.read_bytes() and b"evidence text" not in out.read_bytes()
    with target.app_context():
        result = target.test_cli_runner().invoke(args=["restore", str(out)])
        assert result.exit_code == 0, result.output
        assert "Access log verified" in result.output
        assert {t.name: row_count(t) for t in tables()} == counts
        case = db.session.scalars(select(Case).where(Case.code == code)).one()
        assert case.unseal("name") == NAME
        stored = find_attachment(case, attachment_id)
        assert b"".join(open_content(stored)) == b"%PDF-1.4 evidence text"
        assert verify().ok


def test_restore_refuses_a_database_that_is_not_empty(source, world, tmp_path):
    out = tmp_path / "a.backup"
    with source.app_context():
        _fill(world)
        source.test_cli_runner().invoke(args=["backup", "--out", str(out)])
        result = source.test_cli_runner().invoke(args=["restore", str(out)])
    assert result.exit_code != 0
    assert "needs an empty database" in result.output


def test_a_damaged_archive_is_refused_and_nothing_is_restored(source, world, tmp_path, target):
    out = tmp_path / "b.backup"
    with source.app_context():
        _fill(world)
        source.test_cli_runner().invoke(args=["backup", "--out", str(out)])
    data = bytearray(out.read_bytes())
    data[-40] ^= 0x01
    out.write_bytes(bytes(data))
    with target.app_context():
        result = target.test_cli_runner().invoke(args=["restore", str(out)])
        assert result.exit_code != 0 and "damaged" in result.output
        assert all(row_count(t) == 0 for t in tables())


def test_an_archive_needs_the_same_master_key(source, world, tmp_path):
    out = tmp_path / "c.backup"
    with source.app_context():
        _fill(world)
        source.test_cli_runner().invoke(args=["backup", "--out", str(out)])
    with fresh_database(tmp_path) as url:
        other = create_app(base_config(url, INSTANCE_PATH=str(tmp_path / "other"),
                                       MASTER_KEY="another-master-key-entirely"))
        with other.app_context():
            db.create_all()
            result = other.test_cli_runner().invoke(args=["restore", str(out)])
            db.session.remove()
            db.engine.dispose()
    assert result.exit_code != 0 and "master key" in result.output
