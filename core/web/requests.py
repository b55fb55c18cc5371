"""Requests whose form fields, query parameters and JSON strings never carry a NUL character.

No one can type U+0000 into a form, but a crafted post or API call can send one, and PostgreSQL
refuses it in text columns, so the answer was a 500 instead of a save or a named field. Dropping
it where the values are parsed covers every form and API operation in core and the plugins at
once (found by tests/security/test_form_fuzz.py and test_api_fuzz.py).
"""

from __future__ import annotations

import json
from contextlib import suppress
from typing import Any

from flask import Request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.utils import cached_property

NUL = "\x00"


def _without_nul(values: ImmutableMultiDict) -> ImmutableMultiDict:
    if not any(NUL in key or NUL in value for key, value in values.items(multi=True)):
        return values
    return ImmutableMultiDict([(key.replace(NUL, ""), value.replace(NUL, ""))
                               for key, value in values.items(multi=True)])


def _strip(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace(NUL, "")
    if isinstance(value, list):
        return [_strip(item) for item in value]
    if isinstance(value, dict):
        return {_strip(key): _strip(item) for key, item in value.items()}
    return value


class NulFreeRequest(Request):
    """Flask's request, with NUL characters removed from `form`, `args` and JSON bodies."""

    def get_data(self, cache: bool = True, as_text: bool = False,
                 parse_form_data: bool = False) -> Any:
        if self.is_json and getattr(self, "_cached_data", None) is None:
            raw = super().get_data(cache=True)
            if b"\\u0000" in raw:
                with suppress(ValueError):  # not JSON after all: the parser's error names it
                    self._cached_data = json.dumps(_strip(json.loads(raw))).encode()
        return super().get_data(cache=cache, as_text=as_text, parse_form_data=parse_form_data)

    def _load_form_data(self) -> None:
        super()._load_form_data()
        self.__dict__["form"] = _without_nul(self.__dict__["form"])

    @cached_property
    def args(self) -> ImmutableMultiDict:  # type: ignore[override]
        return _without_nul(super().args)
