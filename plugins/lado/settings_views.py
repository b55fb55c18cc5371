"""A partnership's LADO settings: timeliness targets (working days) and the annual sample."""

from __future__ import annotations

from dataclasses import asdict

from flask import abort, flash, redirect, render_template, request, url_for

from core.toolkit import Partnership, append_access_log, db, permission_required
from plugins.lado.access import SETTINGS, partnerships_with
from plugins.lado.config import SAMPLE_MODES, clean_settings, save_settings, settings_for
from plugins.lado.views import MARKING, bp, me, my_partnerships


@bp.get("/settings/")
@permission_required(SETTINGS)
def settings_index():
    options = my_partnerships(SETTINGS)
    if len(options) == 1:
        return redirect(url_for("lado.settings", partnership_id=options[0].id))
    return render_template("lado/settings_index.html", options=options,
                           protective_marking=MARKING)


@bp.route("/settings/<int:partnership_id>", methods=["GET", "POST"])
@permission_required(SETTINGS)
def settings(partnership_id: int):
    if partnership_id not in partnerships_with(SETTINGS):
        abort(404)
    partnership = db.session.get(Partnership, partnership_id)
    errors: dict[str, str] = {}
    values = {k: str(v) for k, v in asdict(settings_for(partnership_id)).items()}
    if request.method == "POST":
        values = {k: request.form.get(k, "").strip() for k in values}
        cleaned, errors = clean_settings(values)
        if not errors:
            before = asdict(settings_for(partnership_id))
            save_settings(partnership_id, cleaned, me())
            changed = sorted(k for k, v in cleaned.items() if before.get(k) != v)
            append_access_log("lado_settings_changed", "lado_settings", str(partnership_id),
                              user=me(), partnership_id=partnership_id,
                              detail="fields: " + (", ".join(changed) or "none"))
            db.session.commit()
            flash("LADO settings saved", "success")
            return redirect(url_for("lado.settings", partnership_id=partnership_id))
    return render_template("lado/settings.html", partnership=partnership, values=values,
                           errors=errors, modes=list(SAMPLE_MODES.items()),
                           protective_marking=MARKING), 400 if errors else 200
