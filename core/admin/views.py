"""The admin blueprint: partnerships, agencies and teams, people and roles, plugins.

Every route declares its permission; every object route loads the object and then calls
`require(permission, obj)`, so an object outside the user's reach is a 404. The routes live in
one module per subject, imported below so that they register on `bp`.
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from core.admin import (  # noqa: E402,F401 - importing registers the routes on bp
    agency_views,
    import_views,
    membership_views,
    partnership_views,
    people_views,
    plugin_views,
)
