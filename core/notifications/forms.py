"""The form on the notification settings page."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, ValidationError
from wtforms.validators import InputRequired

from core.admin import widgets
from core.notifications.preferences import CHOICES

MISSING = "Select how you want to get notifications by email"


class PreferenceForm(FlaskForm):
    delivery = RadioField(
        "How do you want to get notifications by email?", widget=widgets.RadioInput(),
        choices=[SelectChoice(k, v) for k, v in CHOICES.items()],
        validators=[InputRequired(MISSING)], validate_choice=False,
    )

    def validate_delivery(self, field: RadioField) -> None:
        if field.data not in CHOICES:
            raise ValidationError(MISSING)
