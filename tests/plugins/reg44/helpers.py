"""Small builders for Regulation 44 tests (homes, coded children, visits at each stage)."""

from __future__ import annotations

from datetime import date, datetime

from core.cases.service import register_case
from core.extensions import db
from plugins.reg44 import schedule
from plugins.reg44.models import Assignment, Home, Placement, Visit

CANARY = {"name": "ZZCANARY-NAME", "date_of_birth": "2011-01-01", "record_id": "ZZREF-0001"}
CANARIES = ("ZZCANARY-NAME", "2011-01-01", "ZZREF-0001", "1 January 2011")
_refs = iter(range(1, 10_000))


def make_home(world, name: str, *, kind: str = "own", team=None, frequency: str = "monthly",
              agency=None, partnership=None, created: datetime | None = None,
              provider: str = "Northbrook Council") -> Home:
    home = Home(partnership_id=(partnership or world.p1).id, agency_id=(agency or world.a).id,
                team=team, name=name, kind=kind, provider=provider,
                manager_role="Registered manager", beds=4, frequency=frequency, active=True,
                **({"created_at": created} if created else {}))
    db.session.add(home)
    db.session.flush()
    return home


def make_case(world, *, canary: bool = False, partnership=None, agency=None):
    identity = CANARY if canary else {"name": f"Child {next(_refs)}",
                                      "date_of_birth": "2012-05-05",
                                      "record_id": f"REF-{next(_refs)}"}
    return register_case(partnership or world.p1, agency or world.a, identity,
                         {"cohort": "child_in_care"}, None)


def place(home: Home, case, placed_on: date) -> Placement:
    placement = Placement(home=home, case_id=case.id, placed_on=placed_on)
    db.session.add(placement)
    db.session.flush()
    return placement


def assign(home: Home, visitor, starts_on: date) -> Assignment:
    assignment = Assignment(home=home, visitor_id=visitor.id, starts_on=starts_on)
    db.session.add(assignment)
    db.session.flush()
    return assignment


def plan(home: Home, month: date) -> Visit:
    visit = schedule.plan_visit(home, month)
    db.session.commit()
    return visit


def form(visit: Visit, **fields) -> dict:
    """A form post for a visit section, carrying the visit's current version."""
    return {"version": str(visit.version), **fields}


def day_fields(name: str, day: date) -> dict[str, str]:
    return {f"{name}-day": str(day.day), f"{name}-month": str(day.month),
            f"{name}-year": str(day.year)}


def all_answers(visit: Visit, met: str = "yes") -> dict[str, str]:
    """A form answering every question of the visit's tool."""
    from plugins.reg44 import answers
    from plugins.reg44.visits import tool_of

    given = {}
    for _, question in tool_of(visit).questions():
        name = answers.field_name(question)
        if question.type == "text":
            given[name] = "Staff knew the children well and the home was calm."
        elif question.type == "yes_no_partly":
            given[name] = met
        elif question.type == "choice":
            given[name] = question.choices[0]
    return given


def complete(visit: Visit, by, day: date, *, recs: tuple[str, ...] = (), child=None,
             reviews: dict[int, str] | None = None) -> Visit:
    """Record a visit and write and finish its report through the services."""
    from plugins.reg44 import visits

    visits.record_visit(visit, form(visit, announced="unannounced",
                                    **day_fields("visited_on", day)), by)
    db.session.commit()
    visits.save_people(visit, form(visit, spoken_to=["registered_manager", "care_worker"]))
    if child is not None:
        visits.add_child(visit, form(visit, child=child.id, consent="yes", how="alone",
                                     views="I feel safe and like my room.",
                                     themes=["safety", "food_and_home"]))
    visits.save_standards(visit, form(visit, **all_answers(visit)))
    visits.save_reviews(visit, form(visit, **{f"outcome-{rec_id}": outcome
                                              for rec_id, outcome in (reviews or {}).items()}))
    visits.save_opinion(visit, form(visit, safeguarded="yes", safeguarded_reason="Risks are "
                                    "known and managed.", wellbeing="yes",
                                    wellbeing_reason="Children are settled."))
    for text in recs:
        visits.add_recommendation(visit, form(visit, text=text, standard="QS7"))
    visits.finish(visit, form(visit), by)
    db.session.commit()
    return visit
