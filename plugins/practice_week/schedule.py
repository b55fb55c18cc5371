"""Planning a practice week and building its observation schedule.

A schedule must never put a leader or a practitioner in two places at once, and a leader never
observes someone they line-manage directly (the point is a fresh pair of senior eyes). Annual
and ASYE observations outside a practice week go through the same checks. Nothing here
commits: the view does, once everything has been checked.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from sqlalchemy import or_, select

from core.toolkit import (
    Agency,
    Membership,
    ToolNotFound,
    User,
    db,
    get_tool,
    notify,
    published_tools,
    start_workflow,
)
from plugins.practice_week import clock, forms
from plugins.practice_week.access import is_direct_report
from plugins.practice_week.forms import Invalid
from plugins.practice_week.models import Observation, PracticeWeek, WeekLeader
from plugins.practice_week.vocab import EVENTS, KINDS, LEADER_ROLES
from plugins.practice_week.workflow import KEY as WORKFLOW
from plugins.practice_week.workflow import SUBJECT

MAX_WEEK_DAYS = 7
OBSERVED_ROLES = ("practitioner", "team_manager", "service_manager")
LIVE = ("scheduled", "feedback_due", "reflection_due", "complete")


def observation_tools() -> dict[str, str]:
    """The published observation tools a council may choose its standards from."""
    return {key: title for key, title in published_tools()
            if key.startswith("practice_week.observation")}


# --- weeks ---------------------------------------------------------------------------------


def read_week(form: Mapping[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    values = {
        "title": forms.text(form, "title", "a title for the week", errors, limit=200),
        "theme": forms.text(form, "theme", "the theme of the week", errors, limit=200),
        "practitioner_views": forms.text(form, "practitioner_views",
                                         "what practitioners asked the week to look at",
                                         errors),
        "starts_on": forms.day(form, "starts_on", "the first day of the week", errors),
        "ends_on": forms.day(form, "ends_on", "the last day of the week", errors),
        "tool_key": forms.choice(form, "tool_key", observation_tools(),
                                 "Select the practice standards to observe against", errors),
    }
    start, end = values["starts_on"], values["ends_on"]
    if start and end and not (start <= end < start + timedelta(days=MAX_WEEK_DAYS)):
        errors["ends_on"] = "The last day must be on or after the first, within 7 days"
    if errors:
        raise Invalid(errors)
    return values


def create_week(agency: Agency, form: Mapping[str, Any], by: User) -> PracticeWeek:
    if not agency.partnerships:
        raise Invalid({"agency": "The council is not part of a partnership yet"})
    week = PracticeWeek(agency_id=agency.id, partnership_id=agency.partnerships[0].id,
                        created_by_id=by.id, created_at=clock.now(), **read_week(form))
    db.session.add(week)
    db.session.flush()
    return week


def week_in_month(agency_id: int, year: int, month: int) -> PracticeWeek | None:
    """The council's practice week starting in that month, if one is planned."""
    first = date(year, month, 1)
    after = date(year + month // 12, month % 12 + 1, 1)
    return db.session.scalars(select(PracticeWeek).where(
        PracticeWeek.agency_id == agency_id, PracticeWeek.starts_on >= first,
        PracticeWeek.starts_on < after).order_by(PracticeWeek.starts_on)).first()


def leader_choices(week: PracticeWeek) -> dict[int, User]:
    """Senior people of the council (and its lead member) who may lead observations."""
    roles = ("director", "assistant_director", "head_of_service", "service_manager",
             "lead_member", "principal_social_worker")
    rows = db.session.scalars(select(User).join(Membership, Membership.user_id == User.id)
                              .where(Membership.agency_id == week.agency_id,
                                     Membership.role.in_(roles), User.active.is_(True))
                              .order_by(User.name))
    taken = {leader.user_id for leader in week.leaders}
    return {u.id: u for u in rows if u.id not in taken}


def add_leader(week: PracticeWeek, form: Mapping[str, Any]) -> WeekLeader:
    errors: dict[str, str] = {}
    user = forms.number(form, "leader", leader_choices(week), "Select a senior leader", errors)
    capacity = forms.choice(form, "capacity", LEADER_ROLES,
                            "Select the capacity they take part in", errors)
    if errors:
        raise Invalid(errors)
    leader = WeekLeader(week=week, user_id=user.id, capacity=capacity)
    db.session.add(leader)
    db.session.flush()
    return leader


# --- observations --------------------------------------------------------------------------


def practitioner_choices(agency_id: int) -> dict[int, User]:
    rows = db.session.scalars(select(User).join(Membership, Membership.user_id == User.id)
                              .where(Membership.agency_id == agency_id,
                                     Membership.role.in_(OBSERVED_ROLES),
                                     User.active.is_(True)).order_by(User.name))
    return {u.id: u for u in rows}


def observer_choices(agency_id: int, week: PracticeWeek | None) -> dict[int, User]:
    """A week's leaders; outside a week, the council's managers and practice leaders."""
    if week is not None:
        return {leader.user.id: leader.user for leader in week.leaders}
    roles = ("team_manager", "service_manager", "head_of_service", "assistant_director",
             "director", "principal_social_worker", "qa_manager")
    rows = db.session.scalars(select(User).join(Membership, Membership.user_id == User.id)
                              .where(Membership.agency_id == agency_id,
                                     Membership.role.in_(roles), User.active.is_(True))
                              .order_by(User.name))
    return {u.id: u for u in rows}


def _team_of(user: User, agency_id: int) -> int | None:
    return next((m.team_id for m in user.memberships
                 if m.agency_id == agency_id and m.team_id and m.role in OBSERVED_ROLES), None)


def clashes(person_id: int, starts_at: Any, ends_at: Any,
            ignore_id: int | None = None) -> Observation | None:
    """Another live observation the person (observer or observed) is in at that time."""
    query = select(Observation).where(
        or_(Observation.observer_id == person_id, Observation.practitioner_id == person_id),
        Observation.state.in_(LIVE), Observation.starts_at < ends_at,
        Observation.ends_at > starts_at)
    if ignore_id is not None:
        query = query.where(Observation.id != ignore_id)
    return db.session.scalars(query.limit(1)).first()


def _when(form: Mapping[str, Any], week: PracticeWeek | None,
          errors: dict[str, str]) -> tuple[Any, Any]:
    day = forms.day(form, "on", "the date of the observation", errors)
    start = forms.clock_time(form, "starts", "the start time", errors)
    end = forms.clock_time(form, "ends", "the end time", errors)
    if day and week and not (week.starts_on <= day <= week.ends_on):
        errors["on"] = "The date must be during the practice week"
    if start and end and end <= start:
        errors["ends"] = "The end time must be after the start time"
    if not (day and start and end) or errors:
        return None, None
    return clock.at_london(day, start), clock.at_london(day, end)


def _pair_problems(observer: User, practitioner: User, starts_at: Any, ends_at: Any,
                   errors: dict[str, str]) -> None:
    if observer.id == practitioner.id:
        errors["practitioner"] = "A leader cannot observe their own practice"
        return
    if is_direct_report(practitioner.id, observer.id):
        errors["practitioner"] = (f"{practitioner.name} reports directly to {observer.name}: "
                                  "choose a leader outside their line management")
    if starts_at is None:
        return
    for field, person in (("observer", observer), ("practitioner", practitioner)):
        other = clashes(person.id, starts_at, ends_at)
        if other is not None:
            at = clock.london(other.starts_at).strftime("%-d %B at %H:%M")
            errors.setdefault(field, f"{person.name} is already in observation "
                                     f"{other.reference} on {at}: choose another time")


def schedule(agency_id: int, partnership_id: int, week: PracticeWeek | None,
             form: Mapping[str, Any], by: User, *, kind: str = "practice_week",
             tool_key: str | None = None) -> Observation:
    """Add an observation to the schedule and open its workflow."""
    errors: dict[str, str] = {}
    observer = forms.number(form, "observer", observer_choices(agency_id, week),
                            "Select who will observe", errors)
    practitioner = forms.number(form, "practitioner", practitioner_choices(agency_id),
                                "Select the practitioner to be observed", errors)
    event = forms.choice(form, "event", EVENTS, "Select the kind of event", errors)
    if week is None:
        kind = forms.choice(form, "kind", {k: v for k, v in KINDS.items()
                                           if k != "practice_week"},
                            "Select annual or ASYE observation", errors) or kind
        tool_key = forms.choice(form, "tool_key", observation_tools(),
                                "Select the practice standards to observe against", errors)
    starts_at, ends_at = _when(form, week, errors)
    if observer and practitioner:
        _pair_problems(observer, practitioner, starts_at, ends_at, errors)
    if errors:
        raise Invalid(errors)
    obs = Observation(partnership_id=partnership_id, agency_id=agency_id,
                      team_id=_team_of(practitioner, agency_id), week=week, kind=kind,
                      tool_key=tool_key or week.tool_key, observer_id=observer.id,
                      practitioner_id=practitioner.id, requested_by_id=by.id, event=event,
                      starts_at=starts_at, ends_at=ends_at, state="scheduled",
                      created_at=clock.now())
    db.session.add(obs)
    db.session.flush()
    start_workflow(WORKFLOW, SUBJECT, obs.id, partnership_id, agency_id, obs.team_id, by=by)
    if week is None:
        _tell_pair(obs)
    return obs


def _tell_pair(obs: Observation) -> None:
    at = clock.london(obs.starts_at).strftime("%-d %B %Y at %H:%M")
    notify([obs.observer, obs.practitioner], "practice_week.scheduled",
           f"Observation of practice {obs.reference} on {at}",
           f"{KINDS[obs.kind]}: {EVENTS[obs.event]} on {at}. Agree the aims and the "
           "standards to be observed beforehand.",
           link=f"/practice_week/observations/{obs.id}", partnership_id=obs.partnership_id)


def notify_everyone(week: PracticeWeek) -> int:
    """Tell every leader and every practitioner on the schedule; returns how many people."""
    live = [o for o in week.observations if o.state != "cancelled"]
    if not live:
        raise Invalid({"schedule": "Schedule at least one observation before telling people"})
    for obs in live:
        _tell_pair(obs)
    leaders = [leader.user for leader in week.leaders
               if leader.user_id not in {o.observer_id for o in live}]
    if leaders:
        notify(leaders, "practice_week.week",
               f"Practice week {week.reference}: {week.title}",
               f"You are taking part in practice week {week.reference} ({week.theme}).",
               link=f"/practice_week/weeks/{week.id}", partnership_id=week.partnership_id)
    week.status = "notified"
    week.notified_at = clock.now()
    return len({o.observer_id for o in live} | {o.practitioner_id for o in live}
               | {u.id for u in leaders})


def tool_of(obs: Observation) -> Any:
    try:
        return get_tool(obs.tool_key)
    except ToolNotFound:
        return None


def team_names(user: User, agency_id: int) -> str:
    """The person's teams in the council, to tell people with the same name apart."""
    return ", ".join(sorted({m.team.name for m in user.memberships
                             if m.agency_id == agency_id and m.team is not None}))
