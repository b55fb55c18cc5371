"""The OpenAPI document, for people who hold a token or are signed in with API access."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify
from flask_login import current_user

from core.api.auth import authenticate, presented
from core.identity.access import can, mark_view

bp = Blueprint("api_docs", __name__)


def _openapi():
    """Bearer token, or a signed-in person with `api.use`; anyone else gets 401/403."""
    user = authenticate().user if presented() else current_user
    if not user.is_authenticated:
        authenticate()  # raises the 401 that explains how to send a token
    if not can("api.use", user=user):
        abort(403)
    return jsonify(current_app.extensions["api"].spec.to_dict())


bp.add_url_rule("/api/v1/openapi.json", "openapi", mark_view(_openapi, "api.use"))
