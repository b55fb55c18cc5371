"""Error pages that leak nothing, and the events a refused request leaves behind."""

from __future__ import annotations

import logging
import uuid

from flask import Flask, g, make_response, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from core.api import is_api_request
from core.api.problems import from_http_exception, problem
from core.extensions import db, login_manager

logger = logging.getLogger("partnership_audit.errors")

PAGES = {400, 403, 404, 405, 410, 413, 429, 500, 503}
RETRY_AFTER = "30"  # seconds: a database restart or failover is usually over by then


def _render(code: int, ref: str | None = None):
    template = f"errors/{code if code in PAGES else 500}.html"
    return render_template(template, error_ref=ref), code


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
    return _render(500, ref)  # the person quotes it; support finds the logged error by it


def handle_database_down(exc: Exception):
    """The database cannot be reached (a restart, failover or outage): 503 and a page that
    asks nothing of it. The layout would load the signed-in person again (and fail again), so
    the page is drawn as for someone signed out; the pool's pre-ping reconnects afterwards."""
    _rollback_quietly()
    g._login_user = login_manager.anonymous_user()
    ref = uuid.uuid4().hex[:12]
    logger.error("database unavailable ref=%s endpoint=%s type=%s", ref, request.endpoint,
                 type(exc).__name__)
    if is_api_request():
        response = problem(503, f"The service is briefly unavailable. Reference: {ref}.")
    else:
        response = make_response(render_template("errors/503.html"), 503)
    response.headers["Retry-After"] = RETRY_AFTER
    return response


def _rollback_quietly() -> None:
    try:
        db.session.rollback()
    except Exception as exc:  # the connection is already gone: nothing to undo
        logger.warning("rollback after a database error failed with %s", type(exc).__name__)


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf)
    app.register_error_handler(HTTPException, handle_http)
    if not app.config.get("PROPAGATE_EXCEPTIONS"):
        app.register_error_handler(OperationalError, handle_database_down)
        app.register_error_handler(InterfaceError, handle_database_down)
        app.register_error_handler(Exception, handle_unexpected)
