"""The one place that decides who may do what to which object.

`require(permission, obj)` is used by every view (and later the API); `scoped(...)` filters a
query to what the user may see, so scoping lives in SQL rather than templates. A user without
the permission at all gets 403; a user who holds it but not over that object gets 404, so the
object's existence is not revealed.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import abort, current_app
from flask_login import current_user
from sqlalchemy import Select, false, select

from core.contributions import Permission
from core.identity.models import Agency, Partnership, Scope, User
from core.identity.roles import ROLES

PUBLIC = "__public__"
AUTHENTICATED = "__authenticated__"

F = TypeVar("F", bound=Callable[..., Any])


class PermissionRegistry:
    """Every declared permission and which roles hold it (from core and enabled plugins)."""

    def __init__(self, declared: list[tuple[str, Permission]]) -> None:
        self.permissions: dict[str, Permission] = {p.name: p for _, p in declared}
        self.owner: dict[str, str] = {p.name: key for key, p in declared}
        self.by_role: dict[str, set[str]] = {role: set() for role in ROLES}
        for _, perm in declared:
            for role in perm.default_roles:
                if role not in ROLES:
                    raise ValueError(f"Permission {perm.name} names unknown role '{role}'.")
                self.by_role[role].add(perm.name)

    def roles_with(self, permission: str) -> set[str]:
        return {role for role, perms in self.by_role.items() if permission in perms}

    def is_sensitive_role(self, role: str) -> bool:
        return any(self.permissions[p].sensitive for p in self.by_role.get(role, ()))


def registry() -> PermissionRegistry:
    return current_app.extensions["permissions"]


def roles_with(permission: str) -> set[str]:
    """The roles that hold `permission` (for rules finer than an agency, e.g. per team)."""
    if permission not in registry().permissions:
        raise KeyError(f"Undeclared permission '{permission}'.")
    return registry().roles_with(permission)


@dataclass(frozen=True)
class Reach:
    """How far a user's memberships carry one permission."""

    everything: bool
    agency_ids: frozenset[int]
    partnership_ids: frozenset[int]

    @property
    def none(self) -> bool:
        return not (self.everything or self.agency_ids or self.partnership_ids)

    def covers(self, scope: Scope) -> bool:
        return self.everything or bool(
            scope.agency_ids & self.agency_ids or scope.partnership_ids & self.partnership_ids
        )


def reach(user: User | Any, permission: str) -> Reach:
    """Where `user` holds `permission`, from the memberships whose role grants it."""
    if not getattr(user, "is_authenticated", False):
        return Reach(False, frozenset(), frozenset())
    roles = registry().roles_with(permission)
    agencies: set[int] = set()
    partnerships: set[int] = set()
    for m in user.memberships:
        if m.role not in roles:
            continue
        scope = ROLES[m.role].scope
        if scope == "platform":
            return Reach(True, frozenset(), frozenset())
        if scope == "partnership" and m.partnership_id:
            partnerships.add(m.partnership_id)
        elif m.agency_id:
            agencies.add(m.agency_id)
    return Reach(False, frozenset(agencies), frozenset(partnerships))


def can(permission: str, obj: Any = None, user: Any = None) -> bool:
    """True if the user (default: the current one) may use `permission` on `obj`."""
    user = current_user if user is None else user
    if permission not in registry().permissions:
        raise KeyError(f"Undeclared permission '{permission}'.")
    where = reach(user, permission)
    if where.none:
        return False
    return obj is None or where.covers(obj.access_scope())


def require(permission: str, obj: Any = None) -> None:
    """Stop the request unless the current user may use `permission` on `obj`.

    Not signed in: the login manager's redirect. No such permission anywhere: 403. Permission
    held, but not over this object: 404, the same as an object that does not exist.
    """
    from core.identity.security_log import record

    if not current_user.is_authenticated:
        abort(401)
    if not can(permission):
        record("permission_denied", user=current_user, detail=permission)
        abort(403)
    if obj is not None and not can(permission, obj):
        record("object_denied", user=current_user, detail=permission)
        abort(404)


def scoped(model: type, permission: str, user: Any = None) -> Select:
    """`select(model)` limited to the rows the user may see with `permission`.

    The model's own `scope_clause` says how its rows relate to agencies and partnerships.
    """
    user = current_user if user is None else user
    query = select(model)
    where = reach(user, permission)
    if where.everything:
        return query
    if where.none:
        return query.where(false())
    agencies = set(where.agency_ids)
    return query.where(model.scope_clause(agencies, set(where.partnership_ids)))


def visible_agencies(permission: str, user: Any = None) -> Select:
    """The agencies the user reaches with `permission` (for choices in forms)."""
    return scoped(Agency, permission, user).order_by(Agency.name)


def visible_partnerships(permission: str, user: Any = None) -> Select:
    return scoped(Partnership, permission, user).order_by(Partnership.name)


def _mark(view: F, permission: str) -> F:
    view.required_permission = permission  # type: ignore[attr-defined]
    return view


def mark_view(view: F, permission: str) -> F:
    """Record the permission a view declares, for views that authenticate on their own (API)."""
    return _mark(view, permission)


def permission_required(permission: str) -> Callable[[F], F]:
    """Declare and enforce the permission a view needs (objects are checked in the view)."""

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            require(permission)
            return view(*args, **kwargs)

        return _mark(wrapped, permission)  # type: ignore[arg-type]

    return decorate


def login_required(view: F) -> F:
    """Any signed-in person may use this view (home, own account, own jobs)."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            abort(401)
        return view(*args, **kwargs)

    return _mark(wrapped, AUTHENTICATED)  # type: ignore[arg-type]


def public(view: F) -> F:
    """An allow-listed view anyone may use (sign-in, health, password reset)."""
    return _mark(view, PUBLIC)


def route_permission(view: Callable[..., Any]) -> str | None:
    """The permission a view declared, or None if it declared nothing."""
    return getattr(view, "required_permission", None)


def requires_mfa(user: User) -> bool:
    """MFA is compulsory for anyone holding a role with a sensitive permission (or for all)."""
    if current_app.config.get("MFA_REQUIRED_FOR_ALL"):
        return True
    reg = registry()
    return any(reg.is_sensitive_role(m.role) for m in user.memberships)
