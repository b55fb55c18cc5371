"""The Alembic migrations build the same schema the models declare, on SQLite and PostgreSQL.

`make run` and production deployments create tables with `flask db upgrade`, never with
`create_all`, so a model change without a migration must fail here.
"""

from __future__ import annotations

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import MetaData, inspect, text

from core.app import create_app
from core.extensions import db
from tests.conftest import base_config
from tests.support.databases import fresh_database

MIGRATIONS = os.path.join(os.path.dirname(__file__), "..", "..", "..", "migrations")


def fixture_plugin_tables() -> set[str]:
    """Tables of the test-only plugins, which no migration creates."""
    return {m.local_table.name for m in db.Model.registry.mappers
            if m.class_.__module__.startswith("tests.")}


@pytest.fixture
def empty_database(tmp_path):
    with fresh_database(tmp_path) as url:
        yield url


@pytest.fixture
def migrated_app(empty_database):
    app = create_app(base_config(empty_database, EXTRA_PLUGINS={}))
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        yield app
        db.session.remove()
        db.engine.dispose()


def test_upgrade_head_matches_the_models(migrated_app):
    skip = fixture_plugin_tables()
    declared = MetaData()
    for table in db.metadata.sorted_tables:
        if table.name not in skip:
            table.to_metadata(declared)
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, declared)
    assert diff == [], f"models and migrations differ: run 'flask db migrate'\n{diff}"


def test_downgrade_to_base_removes_every_table(migrated_app):
    downgrade(directory=MIGRATIONS, revision="base")
    left = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
    assert left == set()


def test_the_access_log_is_append_only_on_postgresql(migrated_app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no triggers of this kind; the hash chain covers it")
    with db.engine.connect() as conn:
        found = conn.execute(text(
            "SELECT tgname FROM pg_trigger WHERE tgname = 'access_log_append_only'")).all()
    assert found
