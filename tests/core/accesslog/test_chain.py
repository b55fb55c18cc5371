"""The access log verifies, and verification names the first edited or deleted entry."""

from contextlib import contextmanager

import pytest
from sqlalchemy import text

from core.accesslog.chain import append, verify
from core.accesslog.models import AccessLogEntry
from core.extensions import db


@pytest.fixture
def entries(world):
    for i in range(5):
        append("identity_revealed", "case", f"NB-CODE{i}-X", user=world.coordinator,
               partnership_id=world.p1.id, detail="reason: audit")
    db.session.commit()


@contextmanager
def as_superuser():
    """Tampering needs the append-only trigger out of the way (PostgreSQL only)."""
    postgres = db.engine.dialect.name == "postgresql"
    if postgres:
        db.session.execute(text("ALTER TABLE access_log DISABLE TRIGGER USER"))
    yield
    if postgres:
        db.session.execute(text("ALTER TABLE access_log ENABLE TRIGGER USER"))
    db.session.commit()


def test_an_untouched_log_verifies(entries):
    verdict = verify()
    assert verdict.ok and verdict.checked == 5


def test_an_edited_entry_is_named_as_the_first_broken_link(entries):
    with as_superuser():
        db.session.execute(text("UPDATE access_log SET object_code = 'NB-OTHER-X' WHERE id = 3"))
    verdict = verify()
    assert (verdict.ok, verdict.broken_at, verdict.reason) == (False, 3, "entry was altered")


def test_a_deleted_entry_is_named(entries):
    with as_superuser():
        db.session.execute(text("DELETE FROM access_log WHERE id = 2"))
    verdict = verify()
    assert (verdict.ok, verdict.broken_at) == (False, 2)


def test_deleting_the_newest_entries_is_detected(entries):
    with as_superuser():
        db.session.execute(text("DELETE FROM access_log WHERE id >= 4"))
    assert verify().broken_at == 4


def test_the_cli_exits_non_zero_and_names_the_broken_entry(app, entries):
    runner = app.test_cli_runner()
    assert "5 entries verified" in runner.invoke(args=["accesslog", "verify"]).output
    with as_superuser():
        db.session.execute(text("UPDATE access_log SET detail = 'x' WHERE id = 4"))
    result = runner.invoke(args=["accesslog", "verify"])
    assert result.exit_code == 1
    assert "BROKEN at entry 4" in result.output


def test_control_characters_in_details_are_escaped(world):
    entry = append("export", "report", detail="line one\nforged line")
    assert "\n" not in entry.detail and "\\n" in entry.detail


def test_an_update_is_refused_on_postgresql_and_caught_by_the_chain_elsewhere(entries):
    update = text("UPDATE access_log SET detail = 'x' WHERE id = 1")
    if db.engine.dialect.name == "postgresql":
        with pytest.raises(Exception, match="append-only"):
            db.session.execute(update)
        db.session.rollback()
        assert db.session.get(AccessLogEntry, 1).detail == "reason: audit"
    else:
        db.session.execute(update)
        db.session.commit()
        assert verify().broken_at == 1
