"""Error pages that leak nothing, and the events a refused request leaves behind."""

from __future__ import annotations

import logging
import uuid

from flask import Flask, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from core.api import is_api_request
from core.api.problems import from_http_exception, problem
from core.extensions import db, login_manager

logger = logging.getLogger("partnership_audit.errors")

PAGES = {400, 403, 404, 405, 410, 413, 429, 500}


def _render(code: int):
    template = f"errors/{code if code in PAGES else 500}.html"
    return render_template(template), code


def handle_http(exc: HTTPException):
    if is_api_request():
        return from_http_exception(exc)
    if exc.code == 401:
        return login_manager.unauthorized()
    return _render(exc.code or 500)


def handle_csrf(exc: CSRFError):
    from core.identity.security_log import record

    record("csrf_failed", user=current_user, detail=request.endpoint)
    if is_api_request():
        return problem(400, "The form's security token was missing or out of date.")
    return _render(400)


def handle_unexpected(exc: Exception):
    """Log a correlation id and the exception type only; the page shows nothing of either."""
    db.session.rollback()
    ref = uuid.uuid4().hex[:12]
    logger.error("unhandled error ref=%s endpoint=%s type=%s", ref, request.endpoint,
                 type(exc).__name__, exc_info=exc)
    if is_api_request():
        return problem(500, f"Something went wrong. Reference: {ref}.")
    return _render(500)


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf)
    app.register_error_handler(HTTPException, handle_http)
    if not app.config.get("PROPAGATE_EXCEPTIONS"):
        app.register_error_handler(Exception, handle_unexpected)
