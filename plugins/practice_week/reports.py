"""The practice week summary for the performance meeting, and observation coverage.

One set of figures feeds the week's summary page, its PDF and the plugin's sections of core's
QA reports: observations done against planned, strengths and development themes per standard
(from the grades given), written feedback on time, learning and actions, and how many
practitioners in each team were observed in the last twelve months.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from core.toolkit import FAMILY_CONTACT_OUTCOMES, Membership, Team, actions_for, db
from plugins.practice_week import clock
from plugins.practice_week.models import Observation, PracticeWeek
from plugins.practice_week.observations import ACTIVITY, feedback_on_time
from plugins.practice_week.schedule import tool_of
from plugins.practice_week.vocab import EVENTS, GRADE_CHOICES

DONE = ("feedback_due", "reflection_due", "complete")
STRENGTH = ("outstanding", "good")


@dataclass
class StandardRow:
    code: str
    title: str
    grades: Counter = field(default_factory=Counter)

    @property
    def observed(self) -> int:
        return sum(self.grades.values())

    @property
    def strengths(self) -> int:
        return sum(self.grades[g] for g in STRENGTH)

    @property
    def development(self) -> int:
        return self.observed - self.strengths


@dataclass
class Summary:
    planned: int = 0
    done: int = 0
    complete: int = 0
    feedback_on_time: int = 0
    feedback_late: int = 0
    standards: list[StandardRow] = field(default_factory=list)
    by_event: list[tuple[str, int, int]] = field(default_factory=list)
    actions: list[Any] = field(default_factory=list)

    @property
    def done_rate(self) -> int | None:
        return round(100 * self.done / self.planned) if self.planned else None

    @property
    def timely_rate(self) -> int | None:
        judged = self.feedback_on_time + self.feedback_late
        return round(100 * self.feedback_on_time / judged) if judged else None

    @property
    def strengths(self) -> list[StandardRow]:
        return [r for r in self.standards if r.strengths and r.strengths >= r.development]

    @property
    def development(self) -> list[StandardRow]:
        return [r for r in self.standards if r.development and r.development > r.strengths]


def summarise(observations: list[Observation], actions_user: Any = None) -> Summary:
    """Figures for a set of observations (a week's, or a report period's)."""
    live = [o for o in observations if o.state != "cancelled"]
    summary = Summary(planned=len(live), done=sum(o.state in DONE for o in live),
                      complete=sum(o.state == "complete" for o in live))
    for obs in live:
        timely = feedback_on_time(obs)
        summary.feedback_on_time += timely is True
        summary.feedback_late += timely is False
    summary.standards = _standards(live)
    events = Counter(o.event for o in live)
    done = Counter(o.event for o in live if o.state in DONE)
    summary.by_event = [(EVENTS[e], events[e], done[e]) for e in EVENTS if events[e]]
    refs = {o.reference for o in live}
    summary.actions = [a for a in actions_for(ACTIVITY, user=actions_user) if a.source_ref in refs]
    return summary


def _standards(observations: list[Observation]) -> list[StandardRow]:
    rows: dict[str, StandardRow] = {}
    for obs in observations:
        tool = tool_of(obs)
        titles = {d.code: d.title for d in tool.domains} if tool else {}
        for code, given in (obs.feedback or {}).items():
            row = rows.setdefault(code, StandardRow(code, titles.get(code, code)))
            row.grades[given.get("grade")] += 1
    return sorted(rows.values(), key=lambda r: r.code)


def week_summary(week: PracticeWeek, user: Any = None) -> Summary:
    return summarise(list(week.observations), user)


@dataclass(frozen=True)
class Coverage:
    team: str
    practitioners: int
    observed: int

    @property
    def rate(self) -> int | None:
        return round(100 * self.observed / self.practitioners) if self.practitioners else None


def coverage(agency_id: int, until: date | None = None) -> list[Coverage]:
    """Per team: practitioners, and how many had an observation in the twelve months to
    `until` (annual observation per practitioner)."""
    until = until or clock.today()
    since = until - timedelta(days=365)
    observed = set(db.session.scalars(select(Observation.practitioner_id).where(
        Observation.agency_id == agency_id, Observation.state.in_(DONE),
        Observation.observed_on >= since, Observation.observed_on <= until)))
    rows = db.session.execute(select(Team.name, Membership.user_id)
                              .join(Membership, Membership.team_id == Team.id)
                              .where(Team.agency_id == agency_id,
                                     Membership.role == "practitioner")
                              .order_by(Team.name))
    teams: dict[str, set[int]] = {}
    for name, user_id in rows:
        teams.setdefault(name, set()).add(user_id)
    return [Coverage(name, len(people), len(people & observed))
            for name, people in teams.items()]


GRADE_ORDER = [g for g, _ in GRADE_CHOICES]


@dataclass(frozen=True)
class AuditSummary:
    audits: int
    grades: tuple[tuple[str, int], ...]
    family: tuple[tuple[str, int], ...]


def audit_summary(week: PracticeWeek) -> AuditSummary:
    """The week's case audits: how many, the overall grades, and how families answered."""
    grades = Counter(a.overall for a in week.audits)
    family = Counter(a.family_outcome for a in week.audits)
    return AuditSummary(len(week.audits),
                        tuple((label, grades[g]) for g, label in GRADE_CHOICES),
                        tuple((label, family[k]) for k, label in FAMILY_CONTACT_OUTCOMES.items()))
