"""The REST API for partner agencies: `/api/v1`, OpenAPI-described, token-authenticated.

flask-smorest builds the OpenAPI document from marshmallow schemas. Two of its defaults are
switched off on purpose: it would answer every HTTP error of the whole site as JSON (core's
error handler answers API paths with problem details and pages with HTML), and it would publish
the document to anyone (here `/api/v1/openapi.json` needs a token or a signed-in person).

Plugins add endpoints by returning `toolkit.ApiBlueprint`s from `qa_register_api_blueprints`;
each is mounted at `/api/v1/<its url_prefix>`.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, g, request
from flask_smorest import Api

from core.extensions import csrf

PREFIX = "/api/v1"


class PlatformApi(Api):
    def _register_error_handlers(self) -> None:
        """Core's error handler answers API paths (see `core.errors`)."""

    def _register_doc_blueprint(self) -> None:
        """The document is served by `core.api.docs`, behind authentication."""


def is_api_request() -> bool:
    return request.path == PREFIX or request.path.startswith(PREFIX + "/")


def _spec_settings(app: Flask) -> None:
    app.config.setdefault("API_TITLE", app.config["SERVICE_NAME"] + " API")
    app.config.setdefault("API_VERSION", "1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("API_SPEC_OPTIONS", {
        "security": [{"bearerAuth": []}],
        "info": {"description": "For partner agencies: coded cases and audit returns. Send "
                                "'Authorization: Bearer <token>'; make a token under Your "
                                "account → API tokens. Errors are RFC 9457 problem details."},
    })


def _mount(api: PlatformApi, blueprint: Any) -> None:
    prefix = PREFIX + (blueprint.url_prefix or "")
    csrf.exempt(blueprint)  # bearer tokens only; the session cookie is never read here
    api.register_blueprint(blueprint, url_prefix=prefix)


def _forget_token() -> None:
    """A token authenticates one request only (even where an app context outlives it)."""
    g.pop("api_token", None)
    g.pop("api_token_seen", None)


def _log_call(response):
    """Blueprints are shared by every app built in a process, so this hangs on the app."""
    if is_api_request() and request.endpoint != "api_docs.openapi":
        from core.api.calls import record_call

        record_call(g.get("api_token"), response.status_code, g.get("api_token_seen"))
    return response


def init_app(app: Flask, plugins: Any) -> None:
    from core.api import docs, token_views, v1
    from core.api.models import ApiToken  # noqa: F401 - tables known to metadata

    _spec_settings(app)
    api = PlatformApi(app)
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    _mount(api, v1.bp)
    for _key, blueprint in plugins.registered("qa_register_api_blueprints", lambda b: b.name):
        _mount(api, blueprint)
    app.before_request(_forget_token)
    app.after_request(_log_call)
    app.register_blueprint(docs.bp)
    app.register_blueprint(token_views.bp)
    app.extensions["api"] = api
