"""The embedded default needs nothing; production settings come from the environment."""

import pytest

from config import load_config, production_problems


def test_the_embedded_default_uses_sqlite_under_instance_and_warns_about_dev_secrets(tmp_path):
    with pytest.warns(UserWarning, match="Never use it in production"):
        cfg = load_config(environ={"INSTANCE_PATH": str(tmp_path)})
    assert cfg["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'partnership_audit.sqlite'}"
    assert cfg["REDIS_URL"] is None
    assert (tmp_path / "dev-secret-key").stat().st_mode & 0o777 == 0o600
    again = load_config(environ={"INSTANCE_PATH": str(tmp_path)})
    assert again["SECRET_KEY"] == cfg["SECRET_KEY"]


def test_environment_variables_override_the_defaults(tmp_path):
    cfg = load_config(environ={
        "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "s", "MASTER_KEY": "m",
        "BLIND_INDEX_KEY": "b",
        "DATABASE_URL": "postgresql+psycopg://qa@db/qa", "REDIS_URL": "redis://cache:6379/0",
        "ENABLED_PLUGINS": "single_agency, lado", "SESSION_COOKIE_SECURE": "true",
    })
    assert cfg["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://qa@db/qa"
    assert cfg["ENABLED_PLUGINS"] == ["single_agency", "lado"]
    assert cfg["SESSION_COOKIE_NAME"] == "__Host-session"


def test_check_config_lists_what_production_lacks(tmp_path):
    with pytest.warns(UserWarning):
        problems = production_problems(load_config(environ={"INSTANCE_PATH": str(tmp_path)}))
    text = " ".join(problems)
    for needed in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "MAIL_SERVER",
                   "SESSION_COOKIE_SECURE"):
        assert needed in text


def test_a_complete_production_configuration_has_no_problems(tmp_path):
    key = tmp_path / "master.key"
    key.write_text("k")
    cfg = load_config(environ={
        "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "s", "MASTER_KEY_FILE": str(key),
        "BLIND_INDEX_KEY": "b",
        "DATABASE_URL": "postgresql+psycopg://qa@db/qa", "REDIS_URL": "redis://cache:6379/0",
        "MAIL_SERVER": "smtp.example", "SESSION_COOKIE_SECURE": "1", "FORCE_HTTPS": "1",
        "RATELIMIT_STORAGE_URI": "redis://cache:6379/1",
    })
    assert production_problems(cfg) == []


def test_flask_check_config_exits_non_zero_and_names_the_gaps(app):
    result = app.test_cli_runner().invoke(args=["check-config"])
    assert result.exit_code == 1
    assert "MISSING: DATABASE_URL must point at PostgreSQL" in result.output or (
        "MISSING: REDIS_URL" in result.output)
