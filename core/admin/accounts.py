"""Creating people and giving them roles: the rules shared by the admin pages, the CSV import,
`flask users` and the demo data, so a rule cannot be enforced in one place and forgotten in
another.

Problems come back as `{field: message}` with field names `role`, `agency`, `team`,
`partnership` and `line_manager`; each caller maps them onto its own form fields, CSV columns
or command-line options. Nothing here commits: the caller's request or command is the
transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import func, select

from core.admin.reach import is_platform_admin, reaches_agency, reaches_partnership
from core.extensions import db
from core.identity.models import Agency, Membership, Partnership, Team, User
from core.identity.roles import ROLES
from core.timeutil import LONDON, to_london, utcnow

MANAGE = "admin.people.manage"


@dataclass
class RoleGrant:
    """One role to give: where it applies and who manages the person in it."""

    role: str
    agency: Agency | None = None
    team: Team | None = None
    partnership: Partnership | None = None
    line_manager: User | None = None


def role_list() -> str:
    return ", ".join(ROLES)


def normalise_email(text: str) -> str:
    """A checked, lower-case email address; ValueError with a message for the form if not."""
    text = (text or "").strip()
    if not text:
        raise ValueError("Enter an email address")
    if len(text) > 254:
        raise ValueError("Email address must be 254 characters or fewer")
    try:
        checked = validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValueError(
            "Enter an email address in the correct format, like name@example.org"
        ) from exc
    return checked.normalized.lower()


def email_taken(email: str, except_user: User | None = None) -> bool:
    query = select(User.id).where(func.lower(User.email) == email.lower())
    if except_user is not None:
        query = query.where(User.id != except_user.id)
    return db.session.scalar(query.limit(1)) is not None


def end_of_day(day: date) -> datetime:
    """An account end date means the account works to the end of that day in England."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=LONDON)


def end_date(expires_at: datetime | None) -> date | None:
    """The inverse of `end_of_day`: the last day an account works."""
    local = to_london(expires_at)
    return None if local is None else (local - timedelta(microseconds=1)).date()


def grant_problems(actor: Any, grant: RoleGrant, user: User | None = None) -> dict[str, str]:
    """Why `actor` may not give `grant` (to `user`, if they exist already); empty if fine."""
    role = ROLES.get(grant.role)
    if role is None:
        return {"role": f"'{grant.role[:60]}' is not a role. Use one of: {role_list()}"}
    check = {"platform": _platform_problems, "partnership": _partnership_problems,
             "agency": _agency_problems}[role.scope]
    problems = check(actor, grant)
    if not problems and user is not None:
        problems = _person_problems(grant, user)
    return problems


def _platform_problems(actor: Any, grant: RoleGrant) -> dict[str, str]:
    if not is_platform_admin(actor):
        return {"role": "Only a platform administrator can make someone a platform administrator"}
    return _must_be_blank(grant, ("agency", "team", "partnership"), "a platform role")


def _partnership_problems(actor: Any, grant: RoleGrant) -> dict[str, str]:
    label = ROLES[grant.role].label
    problems = _must_be_blank(grant, ("agency", "team"), f"the {label} role covers a partnership")
    if grant.partnership is None:
        problems["partnership"] = f"Select the partnership for the {label} role"
    elif not reaches_partnership(actor, MANAGE, grant.partnership):
        problems["partnership"] = "You can only give roles in partnerships you manage"
    return problems


def _agency_problems(actor: Any, grant: RoleGrant) -> dict[str, str]:
    agency, label = grant.agency, ROLES[grant.role].label
    if agency is None:
        return {"agency": f"Select the agency for the {label} role"}
    if not reaches_agency(actor, MANAGE, agency):
        return {"agency": "You can only give roles in agencies you manage"}
    problems: dict[str, str] = {}
    if grant.team is not None and grant.team.agency_id != agency.id:
        problems["team"] = f"Select a team of {agency.name}, or no team"
    if grant.partnership is not None and grant.partnership not in agency.partnerships:
        problems["partnership"] = f"{agency.name} is not in that partnership"
    return problems


def _must_be_blank(grant: RoleGrant, fields: tuple[str, ...], why: str) -> dict[str, str]:
    return {f: f"Leave {f} blank: {why}" for f in fields if getattr(grant, f) is not None}


def _person_problems(grant: RoleGrant, user: User) -> dict[str, str]:
    if grant.line_manager is not None and grant.line_manager.id == user.id:
        return {"line_manager": "A person cannot be their own line manager"}
    if find_membership(user, grant) is not None:
        return {"role": "They already have this role there"}
    return {}


def find_membership(user: User, grant: RoleGrant) -> Membership | None:
    ids = _ids(grant)
    for m in user.memberships:
        if (m.role, m.agency_id, m.team_id, m.partnership_id) == ids:
            return m
    return None


def _ids(grant: RoleGrant) -> tuple[str, int | None, int | None, int | None]:
    def id_of(obj: Any) -> int | None:
        return None if obj is None else obj.id

    agency = grant.agency or (grant.team.agency if grant.team else None)
    return grant.role, id_of(agency), id_of(grant.team), id_of(grant.partnership)


def add_membership(user: User, grant: RoleGrant) -> Membership:
    """Give a checked role (see `grant_problems`) to `user`."""
    scope = ROLES[grant.role].scope
    membership = Membership(
        user=user,
        role=grant.role,
        agency=grant.agency if scope == "agency" else None,
        team=grant.team if scope == "agency" else None,
        partnership=grant.partnership if scope == "partnership" else None,
        line_manager=grant.line_manager,
    )
    db.session.add(membership)
    db.session.flush()
    return membership


def create_person(name: str, email: str, grant: RoleGrant, *,
                  expires_at: datetime | None = None, password_hash: str | None = None,
                  announce: bool = True) -> User:
    """A new person with their first role, announced to plugins inside the same transaction.

    With no password hash the account cannot sign in until its owner sets a password. A bulk
    import passes `announce=False` and announces everyone once all line managers are wired.
    """
    user = User(name=name.strip(), email=email, expires_at=expires_at,
                password_hash=password_hash,
                password_changed_at=utcnow() if password_hash else None)
    db.session.add(user)
    db.session.flush()
    add_membership(user, grant)
    if announce:
        current_app.extensions["plugins"].fire("qa_on_user_created", user=user)
    return user
