"""Rotation loses nothing, even when interrupted half way and resumed."""

import json

import pytest

from core.crypto import envelope, rotation
from core.crypto.models import DataKey
from core.extensions import db
from tests.core.crypto.test_envelope import coded_case


class Interrupted(Exception):
    pass


def stop_after(n):
    def progress(done):
        if done >= n:
            raise Interrupted
    return progress


@pytest.fixture
def key_file(app, tmp_path):
    path = tmp_path / "master-keys.json"
    app.config["MASTER_KEY_FILE"] = str(path)
    return path


@pytest.fixture
def cases(world):
    made = [coded_case(world.p1 if i % 2 else world.p2, world.a if i % 2 else world.c,
                       f"Child {i}", f"REF-{i}") for i in range(6)]
    return [(c.id, f"Child {i}") for i, c in enumerate(made)]


def all_names(case_ids):
    from core.cases.models import Case

    db.session.expire_all()
    envelope.clear_cache()
    return [(cid, db.session.get(Case, cid).unseal("name")) for cid, _ in case_ids]


def test_master_rotation_interrupted_and_resumed_rewraps_every_data_key(key_file, cases):
    with pytest.raises(Interrupted):
        rotation.rotate_master(stop_after(1))
    assert json.loads(key_file.read_text()).keys() == {"1", "2"}
    assert len(rotation.master_rotation_pending()) == 1
    assert all_names(cases) == cases  # half way, everything still reads
    added, rewrapped = rotation.rotate_master()
    assert (added, rewrapped) == (None, 1)  # resumed, no third version
    assert {k.master_version for k in db.session.scalars(db.select(DataKey))} == {2}
    assert all_names(cases) == cases


def test_master_rotation_without_a_key_file_explains_what_to_set(app, cases):
    app.config["MASTER_KEY_FILE"] = None
    result = app.test_cli_runner().invoke(args=["keys", "rotate"])
    assert result.exit_code == 1
    assert "MASTER_KEY_FILE is not set" in result.output


def test_data_rotation_interrupted_and_resumed_reencrypts_every_field(key_file, cases):
    old_keys = {envelope.token_key_id(n) for n in
                db.session.scalars(db.select(db.text("name_enc FROM case_record")))}
    with pytest.raises(Interrupted):
        rotation.rotate_data(stop_after(2))
    db.session.rollback()
    assert rotation.data_rotation_pending() > 0
    assert all_names(cases) == cases
    started, rows = rotation.rotate_data()
    assert started == 0 and rows > 0
    assert rotation.data_rotation_pending() == 0
    new_keys = {envelope.token_key_id(n) for n in
                db.session.scalars(db.select(db.text("name_enc FROM case_record")))}
    assert not new_keys & old_keys
    assert all_names(cases) == cases


def test_flask_keys_rotate_data_logs_the_rotation(app, key_file, cases):
    result = app.test_cli_runner().invoke(args=["keys", "rotate", "--data"])
    assert result.exit_code == 0, result.output
    assert "Re-wrapped 2 data keys" in result.output
    assert "re-encrypted 6 rows" in result.output
    from core.accesslog.models import AccessLogEntry

    assert db.session.scalar(db.select(AccessLogEntry.action)) == "key_rotated"
    assert all_names(cases) == cases


