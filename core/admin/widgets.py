"""GOV.UK form widgets that render inside an app whose templates use StrictUndefined.

The govuk-frontend-jinja macros read optional parameters (`params.classes`,
`params.label.classes`...) the way Nunjucks does, expecting a missing key to be empty. Our
Jinja environment raises on undefined names so that page templates fail loudly; the widgets'
own component templates are rendered in an overlay of the same environment that treats
missing parameters as empty, and nowhere else.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from govuk_frontend_wtf import wtforms_widgets as gov
from jinja2 import ChainableUndefined, Environment
from markupsafe import Markup

_ENV_KEY = "govuk_widget_env"


def _widget_env() -> Environment:
    env = current_app.extensions.get(_ENV_KEY)
    if env is None:
        env = current_app.jinja_env.overlay(undefined=ChainableUndefined)
        current_app.extensions[_ENV_KEY] = env
    return env


class _Lenient:
    template: str

    def render(self, params: dict[str, Any]) -> Markup:
        # autoescaped template of our own: the params are escaped inside it
        return Markup(_widget_env().get_template(self.template).render(params=params))  # noqa: S704


class TextInput(_Lenient, gov.GovTextInput):
    pass


class SelectInput(_Lenient, gov.GovSelect):
    pass


class RadioInput(_Lenient, gov.GovRadioInput):
    pass


class CheckboxesInput(_Lenient, gov.GovCheckboxesInput):
    pass


class CheckboxInput(_Lenient, gov.GovCheckboxInput):
    pass


class DateInput(_Lenient, gov.GovDateInput):
    pass


class FileInput(_Lenient, gov.GovFileInput):
    pass


class SubmitInput(_Lenient, gov.GovSubmitInput):
    pass
