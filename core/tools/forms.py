"""The draft editor's form: the definition as JSON text and the version of the row it edits."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired


class DefinitionForm(FlaskForm):
    definition = TextAreaField(
        "Tool definition (JSON)",
        validators=[DataRequired("Enter the tool definition")],
    )
    # The row's lock version when the page was opened, so a stale save is refused, not lost.
    lock_version = HiddenField()

    def seen_lock(self) -> int | None:
        try:
            return int(self.lock_version.data)
        except (TypeError, ValueError):
            return None
