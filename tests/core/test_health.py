"""/healthz says the process is up; /readyz checks the database, migrations, keys and Redis."""

from __future__ import annotations

from flask_migrate import upgrade

from core.app import create_app
from core.extensions import db
from tests.conftest import base_config
from tests.support.databases import fresh_database


def test_healthz_answers_without_touching_anything(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_readyz_is_ready_on_a_healthy_app(client):
    answer = client.get("/readyz")
    assert answer.status_code == 200
    assert answer.get_json()["database"] == "ok" and answer.get_json()["keys"] == "ok"


def test_readyz_reports_a_schema_behind_the_migrations(tmp_path):
    with fresh_database(tmp_path) as url:
        app = create_app(base_config(url, EXTRA_PLUGINS={}))
        with app.app_context():
            upgrade(directory=app.extensions["migrate"].directory)
            assert app.test_client().get("/readyz").get_json()["migrations"] == "ok"
            db.session.execute(db.text("UPDATE alembic_version SET version_num = 'old'"))
            db.session.commit()
            answer = app.test_client().get("/readyz")
            assert answer.status_code == 503 and answer.get_json()["migrations"] == "behind"
            db.session.remove()
            db.engine.dispose()


def test_readyz_reports_missing_keys(make_app):
    app = make_app()
    app.config["BLIND_INDEX_KEY"] = ""
    with app.app_context():
        answer = app.test_client().get("/readyz")
    assert answer.status_code == 503 and answer.get_json()["keys"] == "missing"


def test_readyz_reports_redis_down_without_failing(make_app):
    app = make_app(REDIS_URL="redis://127.0.0.1:1/0")
    with app.app_context():
        answer = app.test_client().get("/readyz")
    assert answer.status_code == 200 and answer.get_json()["redis"] == "degraded"
