"""The data plugins hand to core through hooks.

Plugins return these dataclasses, never HTML: core renders them with autoescaping, so a plugin
cannot inject markup into a page it does not own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class PluginInfo:
    """Who a plugin is: `key` is its entry-point name, URL prefix and table prefix."""

    key: str
    name: str
    version: str
    description: str = ""


@dataclass(frozen=True)
class Permission:
    """A named permission and the roles that hold it unless a deployment says otherwise.

    `sensitive` marks permissions that expose identity or change access; holding one makes
    multi-factor authentication compulsory for the holder.
    """

    name: str
    description: str
    default_roles: tuple[str, ...] = ()
    sensitive: bool = False


@dataclass(frozen=True)
class NavItem:
    """An entry in the service navigation, shown to users who hold `permission`."""

    title: str
    endpoint: str
    permission: str
    order: int = 100


@dataclass(frozen=True)
class DashboardCard:
    """A card on the home dashboard. `count` is an optional headline figure."""

    title: str
    body: str
    endpoint: str
    link_text: str
    permission: str
    count: int | None = None
    order: int = 100


@dataclass(frozen=True)
class JobType:
    """A background job a plugin can enqueue by `name`. `func` takes keyword arguments that
    are opaque ids only (they are stored in Redis and the jobs table)."""

    name: str
    func: Callable[..., Any]
    description: str = ""
    timeout: int | None = None


@dataclass(frozen=True)
class ScheduledJob:
    """A job the scheduler enqueues on a cron expression (Europe/London wall clock)."""

    name: str
    job: str
    cron: str
    kwargs: dict[str, Any] = field(default_factory=dict)
    description: str = ""


@dataclass(frozen=True)
class ToolSource:
    """Where a plugin keeps audit tool definitions: one YAML/JSON file, or a folder of them
    (every `.yaml`, `.yml` and `.json` file directly inside it)."""

    path: Path


# --- Across activities: one case seen from another plugin's page ------------------------------


@dataclass(frozen=True)
class PanelItem:
    """One line of a case panel: a short label (a date, a channel) and what it says.

    `url` optionally opens the item's own page: a relative path inside the service.
    """

    label: str
    text: str
    hint: str = ""
    url: str | None = None


@dataclass(frozen=True)
class PanelAction:
    """A link under a case panel ("Record a telephone call"): a relative path."""

    text: str
    url: str


@dataclass(frozen=True)
class CasePanel:
    """What one plugin knows about a case, shown on another activity's page of that case
    (the child's and family's feedback inside a single-agency audit). Core shows it only to
    people holding `permission` over the case, and renders it with autoescaping."""

    key: str
    title: str
    permission: str
    items: tuple[PanelItem, ...] = ()
    actions: tuple[PanelAction, ...] = ()
    summary: str = ""
    empty: str = "Nothing recorded yet."

    def __post_init__(self) -> None:
        object.__setattr__(self, "items", tuple(self.items))
        object.__setattr__(self, "actions", tuple(self.actions))


@dataclass(frozen=True)
class FamilyFeedback:
    """A conversation with a child or family that an activity recorded (a telephone call
    during an audit), shared through `qa_on_family_feedback` so others can count it.

    `with_whom` is a key of `FAMILY_CONTACT_WITH`, `outcome` of `FAMILY_CONTACT_OUTCOMES`
    (core.family_feedback); `reference` is the activity's own code for the contact, unique
    within the activity; `summary` is what was said (case codes only, never names).
    """

    case: Any
    activity: str
    reference: str
    with_whom: str
    outcome: str
    contacted_on: Any
    summary: str = ""
    recorded_by: Any = None
