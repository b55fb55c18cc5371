"""Case panels: a plugin's page about one case shows what other activities know about it.

The page calls `case_panels(case, asking="<its key>")`; every other enabled plugin may answer
`qa_case_panels` with `CasePanel`s, so activities see each other's work on the same case
(feedback inside an audit) without importing each other. Here the answers are checked and
filtered: a panel's key must belong to the plugin that gave it, only people holding the
panel's permission over this case see it, and a link that is not a path inside the service is
dropped. Pages render the result with `macros/case_panels.html`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import current_app
from flask_login import current_user

from core.contributions import CasePanel
from core.identity.access import can
from core.notifications.service import is_relative_link
from core.plugins import PluginError


def case_panels(case: Any, asking: str, user: Any = None) -> list[CasePanel]:
    """The panels other enabled plugins offer about `case` that `user` may see."""
    user = current_user if user is None else user
    plugins = current_app.extensions["plugins"]
    found = []
    for key, panel in plugins.contributions("qa_case_panels", case=case, user=user,
                                            asking=asking):
        if key == asking:
            continue
        if not panel.key.startswith(f"{key}."):
            raise PluginError(f"Plugin '{key}': case panel '{panel.key}' must start with "
                              f"'{key}.'")
        if can(panel.permission, case, user=user):
            found.append(_relative_links_only(panel))
    return found


def _relative_links_only(panel: CasePanel) -> CasePanel:
    items = tuple(item if item.url is None or is_relative_link(item.url)
                  else replace(item, url=None) for item in panel.items)
    actions = tuple(a for a in panel.actions if is_relative_link(a.url))
    return replace(panel, items=items, actions=actions)
