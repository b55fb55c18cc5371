"""Which reports a person may see: a partnership's, one agency's or one team's.

A partnership-wide report counts every agency's work, so it needs `reports.view` across the
partnership (a partnership role, or the platform). An agency's report, and a team's inside it,
needs `reports.view` in that agency, or across a partnership the agency belongs to. Anything
else is answered as if it did not exist (404).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.extensions import db
from core.identity.access import Reach, reach
from core.identity.models import Agency, Partnership, Team

VIEW = "reports.view"
MANAGE = "reports.manage"


@dataclass(frozen=True)
class Place:
    """Where a report looks: a partnership, optionally one agency and one of its teams."""

    partnership: Partnership
    agency: Agency | None = None
    team: Team | None = None

    @property
    def value(self) -> str:
        """A form value such as 'p1', 'p1-a3' or 'p1-a3-t7' (ids only)."""
        parts = [f"p{self.partnership.id}"]
        if self.agency is not None:
            parts.append(f"a{self.agency.id}")
        if self.team is not None:
            parts.append(f"t{self.team.id}")
        return "-".join(parts)

    @property
    def label(self) -> str:
        if self.team is not None:
            return f"{self.partnership.name}: {self.agency.name}, {self.team.name}"
        if self.agency is not None:
            return f"{self.partnership.name}: {self.agency.name}"
        return f"{self.partnership.name} (whole partnership)"

    @property
    def url_args(self) -> dict[str, int]:
        args = {"partnership_id": self.partnership.id}
        if self.agency is not None:
            args["agency"] = self.agency.id
        if self.team is not None:
            args["team"] = self.team.id
        return args


def may_view(user: Any, partnership: Partnership, agency: Agency | None = None,
             team: Team | None = None) -> bool:
    """Whether `user` may see the report of this partnership, agency or team."""
    if agency is None and team is not None:
        return False
    if agency is not None and partnership not in agency.partnerships:
        return False
    if team is not None and team.agency_id != agency.id:
        return False
    return _covers(reach(user, VIEW), partnership, agency)


def _covers(where: Reach, partnership: Partnership, agency: Agency | None) -> bool:
    if where.everything or partnership.id in where.partnership_ids:
        return True
    return agency is not None and agency.id in where.agency_ids


def places(user: Any) -> list[Place]:
    """Every report `user` may ask for, partnership by partnership, for the chooser."""
    where = reach(user, VIEW)
    if where.none:
        return []
    query = select(Partnership).options(
        selectinload(Partnership.agencies).selectinload(Agency.teams)).order_by(Partnership.name)
    found: list[Place] = []
    for partnership in db.session.scalars(query):
        found += _places_in(where, partnership)
    return found


def _places_in(where: Reach, partnership: Partnership) -> list[Place]:
    whole = where.everything or partnership.id in where.partnership_ids
    found = [Place(partnership)] if whole else []
    for agency in partnership.agencies:
        if whole or agency.id in where.agency_ids:
            found.append(Place(partnership, agency))
            found += [Place(partnership, agency, team) for team in agency.teams]
    return found


def place_for(user: Any, partnership_id: int, agency_id: int | None = None,
              team_id: int | None = None) -> Place | None:
    """The place these ids name, if it exists and `user` may see its report; else None."""
    partnership = db.session.get(Partnership, partnership_id)
    agency = db.session.get(Agency, agency_id) if agency_id is not None else None
    team = db.session.get(Team, team_id) if team_id is not None else None
    if partnership is None or (agency_id is not None and agency is None) \
            or (team_id is not None and team is None):
        return None
    if not may_view(user, partnership, agency, team):
        return None
    return Place(partnership, agency, team)


def parse_place_value(value: str) -> tuple[int, int | None, int | None] | None:
    """'p1-a3-t7' -> (1, 3, 7); anything malformed -> None."""
    ids: dict[str, int] = {}
    for part in (value or "").split("-"):
        if len(part) < 2 or part[0] not in "pat" or not part[1:].isdigit() or part[0] in ids:
            return None
        ids[part[0]] = int(part[1:])
    if "p" not in ids or ("t" in ids and "a" not in ids):
        return None
    return ids["p"], ids.get("a"), ids.get("t")
