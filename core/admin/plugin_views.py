"""Which plugins are installed, which are switched on, and what each contributes."""

from __future__ import annotations

from flask import current_app, render_template

from core.admin.views import bp
from core.cli import plugin_rows
from core.identity.access import permission_required


@bp.get("/plugins")
@permission_required("admin.plugins.view")
def plugins():
    rows = plugin_rows(current_app.extensions["plugins"])
    return render_template("admin/plugins.html", plugins=rows)
