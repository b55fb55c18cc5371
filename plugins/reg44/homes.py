"""The homes register: homes, the children this authority placed there, Ofsted judgements.

Nothing here commits: each function works in the caller's transaction and raises `Invalid`
with a message per field. A new judgement of inadequate opens scrutiny of every child placed
there (`scrutiny.py`), in the same transaction as the judgement.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from core.toolkit import Agency, Case, Partnership, Team, append_access_log, db
from plugins.reg44 import clock
from plugins.reg44.forms import Conflict, Invalid, Reader
from plugins.reg44.models import Home, OfstedJudgement, Placement
from plugins.reg44.settings import default_frequency
from plugins.reg44.vocab import FREQUENCIES, HOME_KINDS, INADEQUATE, OFSTED_JUDGEMENTS

URN = re.compile(r"^(SC)?\d{6,7}$")


@dataclass
class HomeDetails:
    """What a person may set on a home (never its partnership, agency or history)."""

    name: str | None
    kind: str | None
    team_id: int | None
    provider: str | None
    manager_role: str | None
    ofsted_urn: str | None
    beds: int | None
    frequency: str | None


def read_details(form: Any, teams: dict[int, Team]) -> tuple[HomeDetails, dict[str, str]]:
    """The home's details from a form; `teams` are the teams the home may be run by."""
    r = Reader(form)
    kind = r.choice("kind", HOME_KINDS, "Select whether the home is the authority's own or "
                                        "externally commissioned")
    details = HomeDetails(
        name=r.text("name", "the name of the home"),
        kind=kind,
        team_id=_team(r, teams, kind),
        provider=r.text("provider", "the provider"),
        manager_role=r.text("manager_role", "the registered manager's role or title"),
        ofsted_urn=_urn(r),
        beds=r.number("beds", "the number of beds", 1, 50),
        frequency=r.choice("frequency", FREQUENCIES, "Select how often the home is visited",
                           required=False) or (default_frequency(kind) if kind else None),
    )
    return details, r.errors


def _team(r: Reader, teams: dict[int, Team], kind: str | None) -> int | None:
    value = r.raw("team")
    if not value:
        return None
    if not value.isdigit() or int(value) not in teams:
        r.errors["team"] = "Select a team of the responsible agency"
        return None
    if kind == "commissioned":
        r.errors["team"] = "A commissioned home is run by its provider: leave the team empty"
    return int(value)


def _urn(r: Reader) -> str | None:
    value = r.raw("ofsted_urn").upper().replace(" ", "")
    if value and not URN.match(value):
        r.errors["ofsted_urn"] = "Ofsted URN must be 6 or 7 digits, optionally after SC, " \
                                 "like SC123456"
    return value or None


def _check_name(partnership_id: int, name: str | None, errors: dict[str, str],
                home_id: int | None = None) -> None:
    if not name:
        return
    query = select(Home.id).where(Home.partnership_id == partnership_id, Home.name == name)
    if home_id is not None:
        query = query.where(Home.id != home_id)
    if db.session.scalar(query.limit(1)) is not None:
        errors["name"] = "A home with this name is already registered in this partnership"


def register_home(partnership: Partnership, agency: Agency, details: HomeDetails,
                  errors: dict[str, str], by: Any) -> Home:
    """Add a home to the register (raises `Invalid` with every problem)."""
    errors = dict(errors)
    if all(a.id != agency.id for a in partnership.agencies):
        errors["agency"] = "The agency is not part of this partnership"
    _check_name(partnership.id, details.name, errors)
    if errors:
        raise Invalid(errors)
    home = Home(partnership_id=partnership.id, agency_id=agency.id, created_by_id=by.id,
                created_at=clock.now(), **vars(details))
    db.session.add(home)
    db.session.flush()
    append_access_log("reg44_home_registered", "reg44_home", str(home.id), user=by,
                      partnership_id=partnership.id)
    return home


def update_home(home: Home, details: HomeDetails, errors: dict[str, str], version: int | None,
                by: Any) -> None:
    """Change a home's details; refuses a save based on an older copy (`Conflict`)."""
    if version != home.version:
        raise Conflict()
    errors = dict(errors)
    _check_name(home.partnership_id, details.name, errors, home.id)
    if errors:
        raise Invalid(errors)
    for name, value in vars(details).items():
        setattr(home, name, value)
    db.session.flush()


def set_active(home: Home, active: bool) -> None:
    home.active = active
    db.session.flush()


# --- Placements ------------------------------------------------------------------------------


def find_case(partnership_id: int, code: str | None) -> Case | None:
    code = (code or "").strip().upper()
    if not code or len(code) > 20:
        return None
    case = db.session.scalar(select(Case).where(Case.code == code,
                                                Case.partnership_id == partnership_id))
    return case if case is not None and case.destroyed_at is None else None


def open_placement_of(case: Case) -> Placement | None:
    return db.session.scalar(select(Placement).where(Placement.case_id == case.id,
                                                     Placement.ended_on.is_(None)).limit(1))


def add_placement(home: Home, form: Any, by: Any) -> Placement:
    """Record that this authority placed a child (by case code) in the home."""
    r = Reader(form)
    case = find_case(home.partnership_id, r.raw("case_code"))
    if case is None:
        r.errors["case_code"] = f"Enter the case code of a child coded in {home.partnership.name}"
    placed_on = r.date("placed_on", "the date the child was placed", not_after=clock.today())
    if case is not None and (current := open_placement_of(case)) is not None:
        r.errors["case_code"] = f"This child is already placed at {current.home.name}: end " \
                                "that placement first"
    r.check()
    placement = Placement(home=home, case_id=case.id, placed_on=placed_on,
                          recorded_by_id=by.id, recorded_at=clock.now())
    db.session.add(placement)
    db.session.flush()
    from plugins.reg44.scrutiny import flag_new_placement

    flag_new_placement(placement)
    return placement


def end_placement(placement: Placement, form: Any) -> None:
    r = Reader(form)
    ended = r.date("ended_on", "the date the child left", not_after=clock.today())
    if ended is not None and ended < placement.placed_on:
        r.errors["ended_on"] = "The date the child left must be on or after the date they " \
                               "were placed"
    r.check()
    placement.ended_on = ended
    db.session.flush()


def placed_on_day(home: Home, day: date) -> list[Placement]:
    """The placements at the home on `day` (children who could be spoken to that day)."""
    return [p for p in home.placements
            if p.placed_on <= day and (p.ended_on is None or p.ended_on >= day)]


# --- Ofsted judgements -----------------------------------------------------------------------


def record_judgement(home: Home, form: Any, by: Any) -> OfstedJudgement:
    """Add an Ofsted judgement; the latest by inspection date is the home's current one."""
    r = Reader(form)
    judgement = r.choice("judgement", OFSTED_JUDGEMENTS, "Select Ofsted's judgement")
    inspected_on = r.date("inspected_on", "the date of the inspection", not_after=clock.today())
    r.check()
    row = OfstedJudgement(home=home, judgement=judgement, inspected_on=inspected_on,
                          recorded_by_id=by.id, recorded_at=clock.now())
    db.session.add(row)
    current = home.ofsted_judged_on is None or inspected_on >= home.ofsted_judged_on
    if current:
        home.ofsted_judgement, home.ofsted_judged_on = judgement, inspected_on
    db.session.flush()
    if current and judgement == INADEQUATE:
        from plugins.reg44.scrutiny import open_scrutiny

        open_scrutiny(home, row, by)
    return row
