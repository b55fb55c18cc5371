"""`flask users ...`: people for scripts and first set-up (create, list, disable, grant, import).

A script reaches everything (whoever runs it controls the server), but the same rules apply as
in the admin pages (`core.admin.accounts`). A wrong option is named in the error and the
command exits 1 having saved nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from core.admin import accounts
from core.admin.accounts import RoleGrant
from core.admin.people_import import MAX_BYTES, check_file, import_people
from core.auth.passwords import hash_password, policy_problem
from core.auth.sessions import end_other_sessions
from core.extensions import db
from core.identity.models import Agency, Partnership, Team, User
from core.identity.roles import ROLES
from core.identity.security_log import record

users_cli = AppGroup("users", help="Add, list, disable and import people.")

OPTIONS = {"role": "--role", "agency": "--agency", "team": "--team",
           "partnership": "--partnership", "line_manager": "--line-manager"}


def fail(option: str | None, message: str) -> None:
    raise click.ClickException(f"{option}: {message}" if option else message)


def place_options(command):
    """--agency, --team, --partnership and --line-manager, shared by `create` and `grant`."""
    for option in reversed([
        click.option("--agency", help="Exact name of the agency (for agency roles)."),
        click.option("--team", help="Exact name of a team in that agency (optional)."),
        click.option("--partnership", help="Name or case-code prefix (for partnership roles)."),
        click.option("--line-manager", "line_manager", help="Email address of their manager."),
    ]):
        command = option(command)
    return command


# --- looking things up by what a person types --------------------------------------------------


def find_user(email: str, option: str = "EMAIL") -> User:
    user = db.session.scalars(
        select(User).where(func.lower(User.email) == email.strip().lower())).first()
    if user is None:
        fail(option, f"no person with the email address '{email[:60]}'")
    return user


def _agency(name: str | None) -> Agency | None:
    if not name:
        return None
    agency = db.session.scalars(select(Agency).where(Agency.name == name)).first()
    if agency is None:
        fail("--agency", f"no agency called '{name[:60]}'")
    return agency


def _team(name: str | None, agency: Agency | None) -> Team | None:
    if not name:
        return None
    query = select(Team).where(Team.name == name)
    if agency is not None:
        query = query.where(Team.agency_id == agency.id)
    teams = db.session.scalars(query).all()
    if not teams:
        where = f" in {agency.name}" if agency else ""
        fail("--team", f"no team called '{name[:60]}'{where}")
    if len(teams) > 1:
        fail("--team", f"several agencies have a team called '{name[:60]}': add --agency")
    return teams[0]


def _partnership(text: str | None) -> Partnership | None:
    if not text:
        return None
    partnership = db.session.scalars(select(Partnership).where(
        (Partnership.name == text) | (Partnership.code_prefix == text.upper()))).first()
    if partnership is None:
        fail("--partnership", f"no partnership called '{text[:60]}'")
    return partnership


def grant_from_options(role: str, agency: str | None, team: str | None,
                       partnership: str | None, line_manager: str | None) -> RoleGrant:
    grant = RoleGrant(role=role.strip().lower(), agency=_agency(agency))
    grant.team = _team(team, grant.agency)
    agency_role = grant.role in ROLES and ROLES[grant.role].scope == "agency"
    if grant.team is not None and grant.agency is None and agency_role:
        grant.agency = grant.team.agency
    grant.partnership = _partnership(partnership)
    grant.line_manager = find_user(line_manager, "--line-manager") if line_manager else None
    return grant


def check_grant(grant: RoleGrant, user: User | None = None) -> None:
    for where, message in accounts.grant_problems(None, grant, user).items():
        fail(OPTIONS.get(where, where), message)


def _password(name: str, email: str) -> str:
    password = sys.stdin.readline().rstrip("\r\n")
    problem = policy_problem(password, (*name.split(), email.split("@")[0]))
    if problem:
        fail("--password-stdin", problem)
    return hash_password(password)


def describe(user: User) -> str:
    parts = []
    for m in user.memberships:
        where = m.team.name + ", " if m.team else ""
        where += m.agency.name if m.agency else (m.partnership.name if m.partnership else "")
        parts.append(f"{m.role} ({where})" if where else m.role)
    return "; ".join(parts) or "no roles"


# --- commands ----------------------------------------------------------------------------------


@users_cli.command("create")
@click.option("--email", required=True, help="Their work email address.")
@click.option("--name", required=True, help="Their full name.")
@click.option("--role", required=True, help="A role key, e.g. team_manager.")
@place_options
@click.option("--password-stdin", is_flag=True,
              help="Read a password from standard input; otherwise they use 'Forgot password'.")
def create(email: str, name: str, role: str, agency: str | None, team: str | None,
           partnership: str | None, line_manager: str | None, password_stdin: bool) -> None:
    """Add a person with one role."""
    try:
        email = accounts.normalise_email(email)
    except ValueError as exc:
        fail("--email", str(exc))
    if accounts.email_taken(email):
        fail("--email", "a person with this email address already exists")
    if not name.strip() or len(name) > 200:
        fail("--name", "give their full name (up to 200 characters)")
    grant = grant_from_options(role, agency, team, partnership, line_manager)
    check_grant(grant)
    password_hash = _password(name, email) if password_stdin else None
    user = accounts.create_person(name, email, grant, password_hash=password_hash)
    db.session.commit()
    record("role_granted", detail=f"target={user.id} role={grant.role} via=cli")
    click.echo(f"Added {user.email} as {ROLES[grant.role].label}.")
    if password_hash is None:
        click.echo("No password set: they should use 'Forgot your password?' to choose one.")


@users_cli.command("list")
def list_users() -> None:
    """Every person: email, name, roles (never passwords)."""
    for user in db.session.scalars(select(User).order_by(User.email)):
        state = "" if user.is_active else "  [disabled]"
        click.echo(f"{user.email}  {user.name}  {describe(user)}{state}")


@users_cli.command("disable")
@click.argument("email")
def disable(email: str) -> None:
    """Disable a person's account and end their sessions now."""
    user = find_user(email)
    user.active = False
    ended = end_other_sessions(user)
    db.session.commit()
    record("account_disabled", detail=f"target={user.id} via=cli")
    click.echo(f"Disabled {user.email}; {ended} live session(s) ended.")


@users_cli.command("grant")
@click.argument("email")
@click.argument("role")
@place_options
def grant(email: str, role: str, agency: str | None, team: str | None,
          partnership: str | None, line_manager: str | None) -> None:
    """Give an existing person another role."""
    user = find_user(email)
    wanted = grant_from_options(role, agency, team, partnership, line_manager)
    check_grant(wanted, user)
    membership = accounts.add_membership(user, wanted)
    db.session.commit()
    record("role_granted", detail=f"target={user.id} membership={membership.id} "
                                  f"role={wanted.role} via=cli")
    click.echo(f"{user.email} is now also {ROLES[wanted.role].label}.")


@users_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and save nothing.")
def import_file(file: Path, dry_run: bool) -> None:
    """Import people from CSV (the same columns and checks as the admin page)."""
    with file.open("rb") as handle:
        data = handle.read(MAX_BYTES + 1)
    check = check_file(data, None)
    for error in check.errors:
        click.echo(str(error), err=True)
    if check.errors:
        fail(None, f"{len(check.errors)} problem(s) found; nothing was imported.")
    if dry_run:
        click.echo(f"No problems: {len(check.rows)} people would be imported (dry run, "
                   "nothing saved).")
        return
    people = import_people(check)
    db.session.commit()
    record("people_imported", detail=f"count={len(people)} via=cli")
    click.echo(f"Imported {len(people)} people. They choose passwords with 'Forgot your "
               "password?'.")
