"""How far an administrator reaches, for the decisions `require` and `scoped` do not cover.

`actor` is the signed-in person, or None for a command-line script (which reaches everything:
whoever runs it already controls the server). Partnership-wide grants are checked strictly:
only a platform administrator or someone holding the permission across that partnership may
act on it, never someone who merely works in one of its agencies.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, false, select

from core.identity.access import Reach, reach
from core.identity.models import Agency, Membership, Partnership, Team, User

EVERYTHING = Reach(True, frozenset(), frozenset())


def actor_reach(actor: Any, permission: str) -> Reach:
    return EVERYTHING if actor is None else reach(actor, permission)


def is_platform_admin(actor: Any) -> bool:
    """Only a platform administrator (or a script) may create another one."""
    return actor is None or any(m.role == "platform_admin" for m in actor.memberships)


def reaches_agency(actor: Any, permission: str, agency: Agency) -> bool:
    return actor_reach(actor, permission).covers(agency.access_scope())


def reaches_partnership(actor: Any, permission: str, partnership: Partnership) -> bool:
    where = actor_reach(actor, permission)
    return where.everything or partnership.id in where.partnership_ids


def partnerships_managed(actor: Any, permission: str) -> Select:
    """The partnerships `actor` holds `permission` across (for choices in forms)."""
    where = actor_reach(actor, permission)
    query = select(Partnership).order_by(Partnership.name)
    if where.everything:
        return query
    if not where.partnership_ids:
        return query.where(false())
    return query.where(Partnership.id.in_(where.partnership_ids))


def agencies_reached(actor: Any, permission: str) -> Select:
    where = actor_reach(actor, permission)
    query = select(Agency).order_by(Agency.name)
    if where.everything:
        return query
    return query.where(Agency.scope_clause(set(where.agency_ids), set(where.partnership_ids)))


def teams_reached(actor: Any, permission: str) -> Select:
    agencies = agencies_reached(actor, permission).with_only_columns(Agency.id).order_by(None)
    return (select(Team).join(Team.agency).where(Team.agency_id.in_(agencies))
            .order_by(Agency.name, Team.name))


def people_reached(actor: Any, permission: str) -> Select:
    where = actor_reach(actor, permission)
    query = select(User)
    if where.everything:
        return query
    if where.none:
        return query.where(false())
    return query.where(User.scope_clause(set(where.agency_ids), set(where.partnership_ids)))


def membership_in_reach(actor: Any, permission: str, membership: Membership) -> bool:
    """Whether `actor` may see (or, with a manage permission, change) this one membership."""
    if membership.role == "platform_admin" or (
        membership.agency is None and membership.partnership is None
    ):
        return actor_reach(actor, permission).everything and is_platform_admin(actor)
    if membership.partnership is not None and membership.agency is None:
        return reaches_partnership(actor, permission, membership.partnership)
    return membership.agency is not None and reaches_agency(actor, permission, membership.agency)
