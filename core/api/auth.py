"""Bearer-token authentication for API views, with the same permission check as pages.

An API view never reads the session cookie: only `Authorization: Bearer pa_...` signs the
caller in, for that request, as the token's person acting for the token's agency. So a
browser's session cannot be ridden by a cross-site request, and no CSRF token is needed.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort, current_app, g, request
from werkzeug.exceptions import Unauthorized

from core.api.calls import seen
from core.api.models import ApiToken
from core.api.tokens import TokenInvalid, token_id_of, verify
from core.extensions import db, limiter
from core.identity.access import can, mark_view
from core.identity.models import Agency

F = TypeVar("F", bound=Callable[..., Any])


def presented() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, text = header.partition(" ")
    return text.strip() if scheme.lower() == "bearer" and text.strip() else None


def rate_limit_key() -> str:
    """Count per token where one is presented, else per address."""
    text = presented()
    token_id = token_id_of(text) if text else None
    return f"token:{token_id}" if token_id else f"addr:{request.remote_addr}"


def authenticate() -> ApiToken:
    text = presented()
    if text is None:
        raise Unauthorized("Send a personal API token: 'Authorization: Bearer pa_...'.")
    try:
        token = verify(text)
    except TokenInvalid:
        raise Unauthorized(
            "The API token is not valid: it may have expired or been revoked.") from None
    g.api_token = token
    g.api_token_seen = seen(token)  # for the call log, after the view's commit expires it
    g._login_user = token.user  # Flask-Login's per-request user; the session is not read
    return token


def _rate_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


def current_token() -> ApiToken:
    return g.api_token


def current_agency() -> Agency:
    """The agency the caller's token acts for: every API query is scoped to it."""
    return db.session.get(Agency, g.api_token.agency_id)


def api_permission_required(permission: str) -> Callable[[F], F]:
    """Authenticate the token, then require `permission` (403 without it)."""

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            token = authenticate()
            if not can(permission, user=token.user):
                abort(403, f"This token's person does not have '{permission}'.")
            return view(*args, **kwargs)

        limited = limiter.limit(_rate_limit, key_func=rate_limit_key)(wrapped)
        return mark_view(limited, permission)

    return decorate
