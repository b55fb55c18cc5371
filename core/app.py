"""The application factory: extensions, plugins, blueprints, error pages and CLI."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader, StrictUndefined
from werkzeug.middleware.proxy_fix import ProxyFix

from config import load_config
from core.extensions import csrf, db, limiter, login_manager, migrate, talisman
from core.identity.access import PermissionRegistry, route_permission
from core.plugins import PluginError, Plugins
from core.web.requests import NulFreeRequest

CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build an app. `test_config` overrides settings (tests choose plugins and databases)."""
    cfg = load_config(test_config)
    app = Flask(
        __name__,
        static_folder="static",
        static_url_path="/assets",
        instance_path=cfg["INSTANCE_PATH"],
    )
    app.request_class = NulFreeRequest  # crafted NUL characters never reach the database
    app.config.update(cfg)
    _init_templates(app)
    _init_extensions(app)
    plugins = Plugins(app.config)
    app.extensions["plugins"] = plugins
    app.extensions["permissions"] = PermissionRegistry(
        plugins.registered("qa_register_permissions", lambda p: p.name)
    )
    _register_blueprints(app, plugins)
    _init_subsystems(app, plugins)
    check_route_permissions(app)
    _trust_proxies(app)
    return app


def _trust_proxies(app: Flask) -> None:
    """Take the client address and scheme from X-Forwarded-* only as set by our own proxies.

    Behind a reverse proxy every request arrives from the proxy's address, so rate limits and
    logs need the forwarded one; but a header is only believed from the PROXY_HOPS nearest
    proxies (ProxyFix reads from the right), and with none configured it is ignored entirely.
    X-Forwarded-Host is never trusted: links are built from PUBLIC_URL.
    """
    hops = app.config.get("PROXY_HOPS") or 0
    if not isinstance(hops, int) or isinstance(hops, bool) or hops < 0:
        raise ValueError("PROXY_HOPS must be a whole number: 0 (no reverse proxy) or how many "
                         "proxies stand in front of the app")
    if hops:
        fixed = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0, x_port=0, x_prefix=0)
        app.wsgi_app = fixed  # type: ignore[method-assign]


def _init_templates(app: Flask) -> None:
    app.jinja_loader = ChoiceLoader(
        [
            app.jinja_loader,
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.undefined = StrictUndefined
    WTFormsHelpers(app)


def _init_extensions(app: Flask) -> None:
    import core.models  # noqa: F401 - every core table must be known to metadata

    db.init_app(app)
    migrate.init_app(app, db, directory=str(_migrations_dir()))
    login_manager.init_app(app)
    csrf.init_app(app)
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    limiter.init_app(app)
    talisman.init_app(
        app,
        force_https=app.config["FORCE_HTTPS"],
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        content_security_policy=CSP,
        content_security_policy_nonce_in=["script-src"],
        frame_options="DENY",
        referrer_policy="no-referrer",
        strict_transport_security_max_age=31536000,
    )


def _migrations_dir():
    from pathlib import Path

    return Path(__file__).resolve().parent.parent / "migrations"


def _register_blueprints(app: Flask, plugins: Plugins) -> None:
    for key, blueprint in plugins.registered(
        "qa_register_blueprints", lambda bp: bp.name, app=app
    ):
        try:
            app.register_blueprint(blueprint)
        except ValueError as exc:
            raise PluginError(f"Plugin '{key}': {exc}") from exc


def _init_subsystems(app: Flask, plugins: Plugins) -> None:
    from core import cli, errors, logs, shell
    from core.api import init_app as init_api
    from core.auth import sessions
    from core.jobs import init_app as init_jobs
    from core.tools.registry import init_app as init_tools
    from core.workflow import init_app as init_workflows

    logs.init_app(app)
    sessions.init_app(app)
    init_jobs(app, plugins)
    errors.init_app(app)
    shell.init_app(app)
    cli.init_app(app, plugins)
    init_tools(app, plugins)
    init_workflows(app, plugins)
    init_api(app, plugins)
    logging.getLogger("partnership_audit").setLevel(logging.INFO)


def check_route_permissions(app: Flask) -> None:
    """Refuse to start if any view has not declared who may use it (deny by default)."""
    declared = app.extensions["permissions"].permissions
    for endpoint, view in app.view_functions.items():
        if endpoint == "static":
            continue
        needed = route_permission(view)
        owner = endpoint.split(".")[0]
        if needed is None:
            raise PluginError(
                f"Plugin '{owner}': view '{endpoint}' declares no permission; wrap it in "
                "permission_required(...), login_required or public."
            )
        if not needed.startswith("__") and needed not in declared:
            raise PluginError(f"Plugin '{owner}': view '{endpoint}' needs undeclared '{needed}'.")
