"""A practitioner's development file: every observation of their practice, in and outside
practice weeks, for them, their line management and the QA team (issue 7, item 4)."""

from __future__ import annotations

from flask import render_template

from core.toolkit import permission_required
from plugins.practice_week.access import development_file
from plugins.practice_week.observations import feedback_on_time
from plugins.practice_week.permissions import VIEW
from plugins.practice_week.views import bp
from plugins.practice_week.vocab import FILE_STATUS


@bp.get("/people/<int:user_id>")
@permission_required(VIEW)
def development_file_page(user_id: int):
    practitioner, observations = development_file(user_id)
    rows = [(obs, feedback_on_time(obs)) for obs in observations]
    return render_template("practice_week/development_file.html", practitioner=practitioner,
                           rows=rows, statuses=FILE_STATUS)
