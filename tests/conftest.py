"""Fixtures: an app per test on the chosen database, a client, factories and a small world."""

from __future__ import annotations

import os
import sqlite3
from contextlib import suppress
from types import SimpleNamespace

import pytest
from flask import g
from jinja2.bccache import Bucket, BytecodeCache
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from werkzeug.routing.rules import Rule

from core.app import create_app
from core.extensions import db
from tests.support import factories as f
from tests.support.databases import throwaway_postgres

EXAMPLE = {"example": "tests.fixtures.plugins.example.plugin"}


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    server = os.environ.get("TEST_DATABASE_URL", "")
    if server.startswith("postgresql"):
        with throwaway_postgres(server) as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"


@pytest.fixture(scope="session")
def schema_ready(database_url):
    """Create every table once per run (core and every importable plugin model)."""
    app = create_app(base_config(database_url))
    with app.app_context():
        db.create_all()
        # Hand the connection back now: a test's wipe may end idle connections on PostgreSQL.
        db.session.remove()
        db.engine.dispose()
        yield
        with suppress(OperationalError):
            db.session.remove()
        db.engine.dispose()


def base_config(database_url: str, **overrides) -> dict:
    cfg = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "MASTER_KEY": "dGVzdC1tYXN0ZXIta2V5LTMyLWJ5dGVzLWxvbmchISE=",
        "BLIND_INDEX_KEY": "test-blind-index-key-kept-apart",
        "INSTANCE_PATH": os.path.join(os.path.dirname(__file__), "..", "instance", "test"),
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "ARGON2_PROFILE": "test",
        "EXTRA_PLUGINS": EXAMPLE,
        "MAIL_CAPTURE": True,
        "REDIS_URL": None,
        "SERVER_NAME": "localhost",
    }
    cfg.update(overrides)
    return cfg


def _wipe() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        _wipe_postgres(tables)
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()


def _wipe_postgres(tables) -> None:
    """Empty every table and restart every used sequence (ids start at 1 again, as on
    SQLite) in one round trip: with triggers off for this transaction (replica role), the
    append-only access log takes a DELETE too and foreign keys are not checked one row at a
    time. A DELETE of an empty table costs next to nothing; TRUNCATE's file work and a round
    trip per statement cost a tenth of a second a test."""
    # A connection a test left open in a transaction would hold locks the DELETEs wait on.
    db.session.execute(text(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
    statements = ["SET LOCAL session_replication_role = replica",
                  *(f'DELETE FROM "{table.name}"' for table in tables),
                  "SELECT setval(quote_ident(sequencename)::regclass, 1, false) "
                  "FROM pg_sequences WHERE schemaname = current_schema() "
                  "AND last_value IS NOT NULL"]
    db.session.connection().exec_driver_sql("; ".join(statements))


class _SharedBytecode(BytecodeCache):
    """Compiled templates kept for the whole run: each test builds a fresh app, and without
    this every app compiles every template it renders again (a Jinja bytecode cache is keyed
    by template name and source checksum, so a changed template is never served stale)."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


SHARED_BYTECODE = _SharedBytecode()


def _reuse_url_builders() -> None:
    """Each test's fresh app compiles a URL builder for each of its hundreds of routes
    (werkzeug builds and compiles Python code per rule): about a tenth of the suite's time.
    The builder depends only on the rule's text, its parsed parts, its defaults and the
    flag, and takes the rule itself as its first argument, so one per key serves every app."""
    original = Rule._compile_builder
    built: dict[tuple, object] = {}

    def compile_builder(self, append_unknown: bool = True):
        key = (self.rule, tuple(self._trace), repr(sorted((self.defaults or {}).items())),
               append_unknown)
        if key not in built:
            built[key] = original(self, append_unknown)
        return built[key]

    Rule._compile_builder = compile_builder


_reuse_url_builders()


@event.listens_for(Engine, "connect")
def _throwaway_sqlite(connection, _record) -> None:
    """The test database is thrown away after the run: SQLite need not wait for the disk on
    each commit (as the PostgreSQL test database runs with synchronous_commit off)."""
    if isinstance(connection, sqlite3.Connection):
        connection.execute("PRAGMA synchronous = OFF")


def _forget_cached_user() -> None:
    """Each request starts with no signed-in user cached, as it does in production.

    Tests keep one app context open and requests reuse it, so Flask-Login's per-request cache
    (`g._login_user`) would otherwise carry one person into the next person's request.
    """
    g.pop("_login_user", None)


@pytest.fixture
def make_app(database_url, schema_ready):
    """Build apps with chosen settings; each is wiped after the test."""
    apps = []

    def build(**overrides):
        app = create_app(base_config(database_url, **overrides))
        app.jinja_env.bytecode_cache = SHARED_BYTECODE
        app.before_request(_forget_cached_user)
        apps.append(app)
        return app

    yield build
    for app in apps:
        with app.app_context():
            db.session.remove()
            _wipe()
            db.engine.dispose()


@pytest.fixture
def app(request, make_app):
    marker = request.node.get_closest_marker("plugins")
    overrides = {"ENABLED_PLUGINS": list(marker.args)} if marker else {}
    app = make_app(**overrides)
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def world(app):
    """Two partnerships; P1 has agencies A and B, P2 has agency C; people in common roles."""
    p1, p2 = f.make_partnership("Northbrook", "NB"), f.make_partnership("Southmere", "SM")
    a = f.make_agency(p1, name="Northbrook Council")
    b = f.make_agency(p1, name="Northbrook Police", type="police")
    c = f.make_agency(p2, name="Southmere Council")
    team_a, team_b = f.make_team(a, "Assessment"), f.make_team(b, "Public protection")
    team_c = f.make_team(c, "Children in care")
    w = SimpleNamespace(
        p1=p1, p2=p2, a=a, b=b, c=c, team_a=team_a, team_b=team_b, team_c=team_c,
        admin=f.make_user("platform_admin", email="admin@example.test"),
        coordinator=f.make_user("partnership_coordinator", p1, email="coord@example.test"),
        tm_a=f.make_user("team_manager", team_a, email="tm.a@example.test"),
        tm_b=f.make_user("team_manager", team_b, email="tm.b@example.test"),
        tm_c=f.make_user("team_manager", team_c, email="tm.c@example.test"),
        practitioner_a=f.make_user("practitioner", team_a, email="sw.a@example.test"),
        hos_a=f.make_user("head_of_service", a, email="hos.a@example.test"),
    )
    db.session.commit()
    return w


@pytest.fixture
def login(client):
    def as_user(user):
        f.login_as(client, user)
        return client

    return as_user
