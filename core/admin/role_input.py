"""Turning the role fields of a form into a checked `RoleGrant`.

The agency and partnership chosen must be within the administrator's reach (404 otherwise,
as if they did not exist); a team that is not in the chosen agency, or a line manager the
administrator cannot see, is an error on that field.
"""

from __future__ import annotations

from flask import abort
from sqlalchemy import func

from core.admin.accounts import MANAGE, RoleGrant, grant_problems
from core.admin.helpers import actor, choices, load, optional_id
from core.admin.people_forms import RoleFieldsMixin
from core.admin.reach import (
    agencies_reached,
    partnerships_managed,
    people_reached,
    reaches_partnership,
    teams_reached,
)
from core.extensions import db
from core.identity.models import Agency, Partnership, Team, User

FIELDS = {"line_manager": "line_manager_email"}


def fill_role_choices(form: RoleFieldsMixin) -> None:
    me = actor()
    form.agency.choices = choices(list(db.session.scalars(agencies_reached(me, MANAGE))),
                                  lambda a: a.name, blank="No agency")
    form.team.choices = choices(list(db.session.scalars(teams_reached(me, MANAGE))),
                                lambda t: f"{t.name} ({t.agency.name})", blank="No team")
    form.partnership.choices = choices(list(db.session.scalars(partnerships_managed(me, MANAGE))),
                                       lambda p: p.name, blank="No partnership")


def grant_from_form(form: RoleFieldsMixin, user: User | None = None
                    ) -> tuple[RoleGrant, dict[str, str]]:
    """The role the form asks for and the problems with it, keyed by form field name."""
    problems: dict[str, str] = {}
    grant = RoleGrant(role=form.role.data or "")
    agency_id = optional_id(form.agency.data)
    grant.agency = load(Agency, agency_id, MANAGE) if agency_id else None
    grant.partnership = _partnership(optional_id(form.partnership.data))
    grant.team = _team(optional_id(form.team.data), grant.agency, problems)
    grant.line_manager = _line_manager(form.line_manager_email.data, problems)
    if not problems:
        for where, message in grant_problems(actor(), grant, user).items():
            problems.setdefault(FIELDS.get(where, where), message)
    return grant, problems


def _partnership(partnership_id: int | None) -> Partnership | None:
    if partnership_id is None:
        return None
    partnership = db.get_or_404(Partnership, partnership_id)
    if not reaches_partnership(actor(), MANAGE, partnership):
        abort(404)
    return partnership


def _team(team_id: int | None, agency: Agency | None, problems: dict[str, str]) -> Team | None:
    if team_id is None:
        return None
    if agency is None:
        problems["agency"] = "Select the agency of the team"
        return None
    team = db.session.get(Team, team_id)
    if team is None or team.agency_id != agency.id:
        problems["team"] = f"Select a team of {agency.name}, or no team"
        return None
    return team


def _line_manager(email: str | None, problems: dict[str, str]) -> User | None:
    if not email:
        return None
    query = people_reached(actor(), "admin.people.view").where(
        func.lower(User.email) == email.strip().lower())
    manager = db.session.scalars(query.limit(1)).first()
    if manager is None:
        problems["line_manager_email"] = "No person with that email address that you can see"
    return manager
