"""`flask seed-demo`: a fictional partnership to try the service with.

Northbrook Safeguarding Children Partnership has the council's children's services (nine
teams), police, health and education, and a person in every role with line management wired
from practitioner to director. A second, small partnership (Southmere) shows that people in
one partnership cannot see the other. Everyone shares one passphrase, generated per run and
printed once: only its argon2 hash is stored. Email addresses use the reserved `.example`
domain, so no mail can reach a real person.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import click
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.admin import accounts
from core.admin.accounts import RoleGrant
from core.auth.passwords import hash_password, policy_problem
from core.extensions import db
from core.identity.models import Agency, Partnership, Team, User
from core.identity.roles import ROLES

NORTHBROOK = "Northbrook Safeguarding Children Partnership"
SOUTHMERE = "Southmere Safeguarding Children Partnership"
COUNCIL = "Northbrook Council Children's Services"
COUNCIL_TEAMS = (
    ("MASH", "mash"), ("Assessment", "assessment"),
    ("Safeguarding and Support", "safeguarding_support"), ("Children in Care", "children_in_care"),
    ("Care Leavers", "care_leavers"), ("Fostering", "fostering"),
    ("Disabled Children", "disabled_children"), ("Early Help", "early_help"),
    ("Youth Justice", "youth_justice"),
)
PARTNER_AGENCIES = (
    ("Northbrook Police", "police", "Public Protection Unit", "police"),
    ("Northbrook Health", "health", "Safeguarding Children Team", "health"),
    ("Northbrook Schools", "education", "Education Safeguarding", "schools"),
)
WORDS = (
    "amber", "anchor", "badger", "bramble", "canal", "cedar", "copper", "cobble", "daisy",
    "dolphin", "ember", "fennel", "ferry", "gable", "granite", "harbour", "hazel", "heron",
    "indigo", "ivory", "juniper", "kettle", "lantern", "larch", "meadow", "maple", "nutmeg",
    "orchard", "otter", "pebble", "pepper", "quill", "raven", "ribbon", "saddle", "sparrow",
    "thistle", "timber", "tulip", "velvet", "violin", "walnut", "willow", "yonder", "zephyr",
)
FIRST = ("Aisha", "Ben", "Chloe", "Dev", "Ellie", "Femi", "Grace", "Harry", "Imran", "Jess",
         "Kiran", "Leah", "Marcus", "Nadia", "Owen", "Priya", "Quinn", "Rosa", "Sam", "Tariq",
         "Uma", "Victor", "Wendy", "Yusuf", "Zara")
LAST = ("Adeyemi", "Brennan", "Chaudhry", "Davies", "Evans", "Fraser", "Gallagher", "Hughes",
        "Iqbal", "Jones", "Kowalski", "Lewis", "Mensah", "Nolan", "O'Connor", "Patel", "Quigley",
        "Reid", "Singh", "Thompson", "Walsh", "Young")


@dataclass
class Seat:
    """A demo person to create: where they work and who manages them."""

    local: str  # the part of the email address before the @
    role: str
    place: Agency | Team | Partnership | None = None
    manager: str | None = None  # the manager's `local`


class Seeder:
    """Creates people one seat at a time, sharing one password hash (argon2 is slow)."""

    def __init__(self, password_hash: str) -> None:
        self.password_hash = password_hash
        self.people: dict[str, User] = {}
        self.logins: list[tuple[str, str]] = []
        self._names = (f"{FIRST[i % len(FIRST)]} {LAST[(i * 7) % len(LAST)]}" for i in range(999))

    def add(self, seats: list[Seat], domain: str) -> None:
        for seat in seats:
            email = f"{seat.local}@{domain}"
            user = accounts.create_person(next(self._names), email, self._grant(seat, domain),
                                          password_hash=self.password_hash)
            self.people[email] = user
            self.logins.append((email, ROLES[seat.role].label))

    def _grant(self, seat: Seat, domain: str) -> RoleGrant:
        grant = RoleGrant(role=seat.role)
        if isinstance(seat.place, Team):
            grant.team, grant.agency = seat.place, seat.place.agency
        elif isinstance(seat.place, Agency):
            grant.agency = seat.place
        elif isinstance(seat.place, Partnership):
            grant.partnership = seat.place
        if seat.manager:
            grant.line_manager = self.people[f"{seat.manager}@{domain}"]
        return grant


def passphrase() -> str:
    """Four random words and a number: easy to type in a demo, and it passes the policy."""
    while True:
        words = [secrets.choice(WORDS) for _ in range(4)]
        candidate = "-".join(words) + f"-{secrets.randbelow(90) + 10}"
        if len(set(words)) == 4 and policy_problem(candidate) is None:
            return candidate


def _partnership(name: str, prefix: str) -> Partnership:
    partnership = Partnership(name=name, code_prefix=prefix)
    db.session.add(partnership)
    return partnership


def _agency(name: str, kind: str, partnership: Partnership,
            teams: tuple[tuple[str, str], ...]) -> Agency:
    agency = Agency(name=name, type=kind, partnerships=[partnership])
    agency.teams = [Team(name=team, service_area=area) for team, area in teams]
    db.session.add(agency)
    db.session.flush()
    return agency


# --- Northbrook ----------------------------------------------------------------------------


def council_seats(council: Agency) -> list[Seat]:
    """The line from director to practitioners, two practitioners in each team."""
    seats = [
        Seat("director", "director", council),
        Seat("assistant-director", "assistant_director", council, "director"),
        Seat("head-of-service", "head_of_service", council, "assistant-director"),
        Seat("service-manager", "service_manager", council, "head-of-service"),
    ]
    for team in council.teams:
        slug = team.name.lower().replace(" and ", "-").replace(" ", "-")
        seats.append(Seat(f"team-manager.{slug}", "team_manager", team, "service-manager"))
        seats += [Seat(f"practitioner{n}.{slug}", "practitioner", team, f"team-manager.{slug}")
                  for n in (1, 2)]
    return seats


def council_specialist_seats(council: Agency) -> list[Seat]:
    qa = "qa-manager"
    return [
        Seat("principal-social-worker", "principal_social_worker", council, "director"),
        Seat(qa, "qa_manager", council, "head-of-service"),
        Seat("qa-officer", "qa_officer", council, qa),
        Seat("iro", "iro", council, "head-of-service"),
        Seat("lado", "lado", council, "head-of-service"),
        Seat("lead-auditor", "agency_lead_auditor", council, qa),
        Seat("reg44-visitor", "reg44_visitor", council),
        Seat("lead-member", "lead_member", council),
    ]


def partner_seats(agency: Agency, slug: str) -> list[Seat]:
    team = agency.teams[0]
    return [
        Seat(f"{slug}.team-manager", "team_manager", team),
        Seat(f"{slug}.practitioner1", "practitioner", team, f"{slug}.team-manager"),
        Seat(f"{slug}.practitioner2", "practitioner", team, f"{slug}.team-manager"),
        Seat(f"{slug}.lead-auditor", "agency_lead_auditor", agency),
    ]


def partnership_seats(partnership: Partnership) -> list[Seat]:
    return [
        Seat("coordinator", "partnership_coordinator", partnership),
        Seat("board-member", "board_member", partnership),
        Seat("ig-officer", "ig_officer", partnership),
        Seat("platform.administrator", "platform_admin"),
    ]


def seed_northbrook(seeder: Seeder) -> None:
    partnership = _partnership(NORTHBROOK, "NB")
    council = _agency(COUNCIL, "childrens_services", partnership, COUNCIL_TEAMS)
    seats = council_seats(council) + council_specialist_seats(council)
    for name, kind, team, slug in PARTNER_AGENCIES:
        seats += partner_seats(_agency(name, kind, partnership, ((team, "other"),)), slug)
    seeder.add(partnership_seats(partnership) + seats, "northbrook.example")


def seed_southmere(seeder: Seeder) -> None:
    partnership = _partnership(SOUTHMERE, "SM")
    council = _agency("Southmere Council Children's Services", "childrens_services",
                      partnership, (("Assessment", "assessment"),
                                    ("Children in Care", "children_in_care")))
    assessment, in_care = council.teams
    seeder.add([
        Seat("coordinator", "partnership_coordinator", partnership),
        Seat("head-of-service", "head_of_service", council),
        Seat("team-manager", "team_manager", assessment, "head-of-service"),
        Seat("practitioner1", "practitioner", assessment, "team-manager"),
        Seat("practitioner2", "practitioner", in_care, "team-manager"),
    ], "southmere.example")


# --- the command -------------------------------------------------------------------------------


DEMO_DOMAINS = ("northbrook.example", "southmere.example")


@click.command("seed-demo")
@click.option("--reset-passwords", is_flag=True,
              help="Give every demo person a new shared password and print it once.")
@with_appcontext
def seed_demo(reset_passwords: bool) -> None:
    """Create the fictional Northbrook and Southmere partnerships with demo logins."""
    if db.session.scalar(select(Partnership.id).where(Partnership.name == NORTHBROOK)):
        if reset_passwords:
            _reset_demo_passwords()
            return
        click.echo(f"{NORTHBROOK} already exists: nothing changed. To get a new demo "
                   "password run 'flask seed-demo --reset-passwords'.")
        return
    password = passphrase()
    seeder = Seeder(hash_password(password))
    try:
        seed_northbrook(seeder)
        seed_southmere(seeder)
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise click.ClickException(
            "Nothing was created: some demo agencies or email addresses already exist.") from exc
    _print_logins(seeder.logins, password)


def _reset_demo_passwords() -> None:
    """Only people on the demo domains are touched; a real account keeps its password."""
    password = passphrase()
    password_hash = hash_password(password)
    demo_people = [u for u in db.session.scalars(select(User).order_by(User.id))
                   if u.email.rsplit("@", 1)[-1] in DEMO_DOMAINS]
    for person in demo_people:
        person.password_hash = password_hash
    db.session.commit()
    logins = [(u.email, ROLES[u.memberships[0].role].label if u.memberships else "")
              for u in demo_people]
    _print_logins(logins, password, verb="Reset the password of")


def _print_logins(logins: list[tuple[str, str]], password: str, verb: str = "Created") -> None:
    width = max(len(email) for email, _ in logins)
    click.echo(f"{verb} {len(logins)} demo people.\n")
    click.echo(f"{'Email address'.ljust(width)}  Role")
    for email, role in logins:
        click.echo(f"{email.ljust(width)}  {role}")
    click.echo(f"\nPassword for every demo account (shown once, not stored): {password}")
