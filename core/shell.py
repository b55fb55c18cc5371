"""What every page gets: service name, navigation from plugins, and protective headers."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, request, url_for
from flask_login import current_user

from core.cases.attributes import COHORTS
from core.identity.access import AUTHENTICATED, can
from core.timeutil import format_london


class NavLink:
    """A navigation entry ready for the template."""

    def __init__(self, title: str, url: str, active: bool) -> None:
        self.title, self.url, self.active = title, url, active


def allowed(permission: str, user: Any = None) -> bool:
    """Whether a contribution guarded by `permission` is for this user."""
    user = current_user if user is None else user
    if not user.is_authenticated:
        return False
    return permission == AUTHENTICATED or can(permission, user=user)


def nav_links() -> list[NavLink]:
    if not current_user.is_authenticated:
        return []
    items = [
        item
        for _, item in current_app.extensions["plugins"].contributions(
            "qa_navigation_contributions", user=current_user
        )
        if allowed(item.permission)
    ]
    items.sort(key=lambda i: i.order)
    here = request.endpoint or ""
    return [
        NavLink(i.title, url_for(i.endpoint), here.split(".")[0] == i.endpoint.split(".")[0]
                and (here == i.endpoint or i.endpoint != "core.home"))
        for i in items
    ]


def _context() -> dict[str, Any]:
    return {
        "service_name": current_app.config["SERVICE_NAME"],
        "nav_items": nav_links(),
    }


def _headers(response):
    """No caching of anything but static assets; no referrer; nothing sniffed."""
    if request.endpoint != "static":
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    return response


def init_app(app: Flask) -> None:
    app.context_processor(_context)
    app.after_request(_headers)
    app.add_template_filter(format_london, "london")
    app.add_template_filter(cohort_label, "cohort")


def cohort_label(key: str | None) -> str:
    """A case's cohort in words ("Child protection plan"), as on every page that lists cases."""
    return COHORTS.get(key or "", key or "")
