"""The home dashboard (cards from plugins) and health endpoints (the inbox is in
`core.notifications.views`)."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template, url_for
from flask_login import current_user
from sqlalchemy import text

from core.extensions import db
from core.identity.access import login_required, public
from core.shell import allowed

bp = Blueprint("core", __name__)


class Card:
    """A dashboard card ready for the template."""

    def __init__(self, title: str, body: str, url: str, link_text: str, count: int | None):
        self.title, self.body, self.url, self.link_text, self.count = (
            title, body, url, link_text, count)


@bp.get("/")
@login_required
def home():
    contributed = current_app.extensions["plugins"].contributions(
        "qa_dashboard_contributions", user=current_user
    )
    cards = sorted((c for _, c in contributed if allowed(c.permission)), key=lambda c: c.order)
    return render_template(
        "core/home.html",
        cards=[Card(c.title, c.body, url_for(c.endpoint), c.link_text, c.count) for c in cards],
    )


@bp.get("/healthz")
@bp.get("/livez")
@public
def livez():
    """The process is up and answering (no dependency is touched)."""
    return jsonify(status="ok")


def _database_ok() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
        return True
    except Exception:
        db.session.rollback()
        return False


def _migrations() -> str:
    """"ok" at the newest migration, "behind" otherwise, "unmanaged" without Alembic's table."""
    from alembic.script import ScriptDirectory
    from flask_migrate import Config

    try:
        current = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:
        db.session.rollback()
        return "unmanaged"
    migrate = current_app.extensions["migrate"]
    config = Config()
    config.set_main_option("script_location", migrate.directory)
    heads = set(ScriptDirectory.from_config(config).get_heads())
    return "ok" if current in heads else "behind"


def _keys_ok() -> bool:
    from core.crypto import keyring

    try:
        keyring.master_keys()
    except keyring.KeyUnavailable:
        return False
    return bool(current_app.config.get("BLIND_INDEX_KEY"))


@bp.get("/readyz")
@public
def readyz():
    """Ready to serve: database answers, schema at the newest migration, keys loaded.

    Redis is reported but not fatal: jobs wait in the database outbox until it is back.
    """
    checks = {"database": "ok" if _database_ok() else "unavailable"}
    checks["migrations"] = _migrations() if checks["database"] == "ok" else "unknown"
    checks["keys"] = "ok" if _keys_ok() else "missing"
    checks["redis"] = "not configured"
    if current_app.config.get("REDIS_URL"):
        from core.jobs.queue import redis_ok

        checks["redis"] = "ok" if redis_ok() else "degraded"
    ready = (checks["database"] == "ok" and checks["keys"] == "ok"
             and checks["migrations"] in {"ok", "unmanaged"})
    return jsonify(checks), 200 if ready else 503
