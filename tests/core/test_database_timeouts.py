"""PostgreSQL statement and lock timeouts on every app connection (SECURITY.md R9): a runaway
query or a lock held elsewhere fails the request instead of holding a worker for ever."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from config import load_config
from config.settings import DEFAULTS
from core.extensions import db

PG = "postgresql+psycopg://qa@db/qa"


def _config(**environ: str) -> dict:
    return load_config({"SECRET_KEY": "s", "MASTER_KEY": "m", "BLIND_INDEX_KEY": "b"},
                       environ=environ)


def test_postgresql_connections_start_with_both_timeouts_and_keep_other_options():
    cfg = _config(DATABASE_URL=PG)
    options = cfg["SQLALCHEMY_ENGINE_OPTIONS"]
    assert options["pool_pre_ping"] is True
    assert options["connect_args"]["options"] == (
        "-c statement_timeout=30000 -c lock_timeout=5000")
    assert "connect_args" not in DEFAULTS["SQLALCHEMY_ENGINE_OPTIONS"]  # defaults untouched


def test_the_timeouts_are_set_from_the_environment():
    cfg = _config(DATABASE_URL=PG + "?options=-c%20search_path%3Dqa",
                  DB_STATEMENT_TIMEOUT_MS="12000", DB_LOCK_TIMEOUT_MS="0")
    assert cfg["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"]["options"] == (
        "-c search_path=qa -c statement_timeout=12000 -c lock_timeout=0")


def test_sqlite_is_left_alone(tmp_path):
    cfg = _config(DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite'}")
    assert cfg["SQLALCHEMY_ENGINE_OPTIONS"] == {"pool_pre_ping": True}


def _postgres_only() -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SHOW statement_timeout needs PostgreSQL; the PostgreSQL run covers it")


def _show(name: str) -> str:
    return db.session.execute(text(f"SHOW {name}")).scalar_one()


def test_an_app_connection_has_the_default_timeouts(app):
    _postgres_only()
    assert (_show("statement_timeout"), _show("lock_timeout")) == ("30s", "5s")


def test_an_app_connection_has_the_configured_timeouts_and_a_slow_statement_is_cancelled(
        make_app):
    app = make_app(DB_STATEMENT_TIMEOUT_MS=300, DB_LOCK_TIMEOUT_MS=2500)
    with app.app_context():
        _postgres_only()
        assert (_show("statement_timeout"), _show("lock_timeout")) == ("300ms", "2500ms")
        with pytest.raises(OperationalError, match="statement timeout"):
            db.session.execute(text("SELECT pg_sleep(2)"))
        db.session.rollback()
        db.session.remove()
