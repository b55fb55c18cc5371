"""Reading the action forms: what was typed (kept as typed, so nothing is lost on an error),
the due date from its three boxes, and the objects the choices point at.

The rules live in `service` and `editing`; this module turns text into objects and reports
unknown choices on the field that made them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select

from core.actions import settings
from core.actions.models import Action, ActionPlan
from core.actions.service import Owner
from core.cases.codes import is_valid
from core.cases.models import Case
from core.extensions import db
from core.identity.access import reach
from core.identity.models import Agency, Partnership, Scope, Team, User

ACTION_FIELDS = ("partnership", "plan", "what", "why", "owner_agency", "owner_team",
                 "owner_email", "due_day", "due_month", "due_year", "priority", "case_code",
                 "source_ref", "version")
# The fields a conflict compares, with the labels people know them by.
COMPARED = {"plan": "Action plan", "what": "What is to be done", "why": "Why",
            "owner_agency": "Owning agency", "owner_team": "Team", "owner_email": "Owner",
            "due_date": "Due date", "priority": "Priority"}


def due_text(day: str, month: str, year: str) -> tuple[date | None, str | None]:
    """(the date, None), (None, None) when all boxes are empty, or (None, the error)."""
    parts = [(p or "").strip() for p in (day, month, year)]
    if not any(parts):
        return None, None
    missing = [n for n, p in zip(("day", "month", "year"), parts, strict=True) if not p]
    if missing:
        return None, f"The due date must include a {' and '.join(missing)}"
    if not all(p.isdigit() for p in parts) or len(parts[2]) != 4:
        return None, "The due date must be a real date, like 27 3 2026"
    try:
        return date(int(parts[2]), int(parts[1]), int(parts[0])), None
    except ValueError:
        return None, "The due date must be a real date, like 27 3 2026"


def show_date(value: date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else ""


@dataclass
class ActionForm:
    """The action form as typed: every field a string."""

    values: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_request(cls, form: Mapping[str, Any]) -> ActionForm:
        return cls({name: str(form.get(name) or "").strip() for name in ACTION_FIELDS})

    @classmethod
    def from_action(cls, action: Action) -> ActionForm:
        due = action.due_date
        return cls({
            "partnership": str(action.partnership_id), "plan": str(action.plan_id or ""),
            "what": action.what, "why": action.why, "owner_agency": str(action.owner_agency_id),
            "owner_team": str(action.owner_team_id or ""),
            "owner_email": action.owner_user.email if action.owner_user else "",
            "due_day": str(due.day), "due_month": str(due.month), "due_year": str(due.year),
            "priority": action.priority, "case_code": action.case_code or "",
            "source_ref": action.source_ref or "", "version": str(action.version),
        })

    def __getitem__(self, name: str) -> str:
        return self.values.get(name, "")

    def due(self) -> tuple[date | None, str | None]:
        return due_text(self["due_day"], self["due_month"], self["due_year"])

    def shown(self, choices: Choices) -> dict[str, str]:
        """The compared fields as a person reads them (names, not ids)."""
        due, _ = self.due()
        return {
            "plan": choices.plan_name(self["plan"]), "what": self["what"], "why": self["why"],
            "owner_agency": choices.agency_name(self["owner_agency"]),
            "owner_team": choices.team_name(self["owner_team"]),
            "owner_email": self["owner_email"].lower(),
            "due_date": show_date(due) or " ".join(
                p for p in (self["due_day"], self["due_month"], self["due_year"]) if p),
            "priority": settings.PRIORITIES.get(self["priority"], self["priority"]),
        }


@dataclass
class Choices:
    """What the person may pick in one partnership: plans, agencies, teams."""

    partnership: Partnership
    plans: list[ActionPlan]
    agencies: list[Agency]
    teams: list[Team]

    def plan_name(self, value: str) -> str:
        return next((p.name for p in self.plans if str(p.id) == value), "")

    def agency_name(self, value: str) -> str:
        return next((a.name for a in self.agencies if str(a.id) == value), "")

    def team_name(self, value: str) -> str:
        return next((f"{t.agency.name}: {t.name}" for t in self.teams if str(t.id) == value), "")


def managed_agencies(user: Any, partnership: Partnership, permission: str) -> list[Agency]:
    """The partnership's agencies whose actions `user` manages."""
    where = reach(user, permission)
    return [a for a in partnership.agencies
            if where.covers(Scope(frozenset({a.id}), frozenset({partnership.id})))]


def choices_for(user: Any, partnership: Partnership, permission: str,
                keep_plan: ActionPlan | None = None) -> Choices:
    agencies = managed_agencies(user, partnership, permission)
    plans = list(db.session.scalars(select(ActionPlan).where(
        ActionPlan.partnership_id == partnership.id, ActionPlan.status == "active")
        .order_by(ActionPlan.name)))
    if keep_plan is not None and keep_plan not in plans:
        plans.append(keep_plan)
    teams = list(db.session.scalars(select(Team).where(
        Team.agency_id.in_([a.id for a in agencies])).order_by(Team.name)))
    return Choices(partnership, plans, agencies, teams)


def _pick(options: list, value: str) -> Any:
    return next((o for o in options if str(o.id) == value), None)


def resolve(form: ActionForm, choices: Choices, errors: dict[str, str]) -> dict[str, Any]:
    """The objects the form names: plan, owner (agency, team, person) and due date."""
    plan = _pick(choices.plans, form["plan"]) if form["plan"] else None
    if form["plan"] and plan is None:
        errors["plan"] = "Select an action plan of this partnership"
    agency = _pick(choices.agencies, form["owner_agency"])
    if form["owner_agency"] and agency is None:
        errors["owner_agency"] = "Select an agency whose actions you manage"
    team = _pick(choices.teams, form["owner_team"]) if form["owner_team"] else None
    if form["owner_team"] and team is None:
        errors["owner_team"] = "Select a team of the owning agency"
    user = _person(form["owner_email"], errors)
    due, due_error = form.due()
    if due_error:
        errors["due_date"] = due_error
    return {"plan": plan, "owner": Owner(agency, team, user), "due": due,
            "priority": form["priority"] or "normal"}


def _person(email: str, errors: dict[str, str]) -> User | None:
    if not email:
        return None
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.lower()))
    if user is None:
        errors["owner_email"] = "The owner must be an active person in the owning agency"
    return user


def find_case(code: str, partnership: Partnership, user: Any,
              errors: dict[str, str]) -> Case | None:
    """The case with this code in the partnership, if the person may see it."""
    from core.cases.views import can_see

    if not code:
        return None
    code = code.strip().upper()
    case = db.session.scalar(select(Case).where(Case.code == code)) if is_valid(code) else None
    if case is None or case.partnership_id != partnership.id or not can_see(user, case):
        errors["case_code"] = "Enter the code of a case in this partnership that you can see"
        return None
    return case
