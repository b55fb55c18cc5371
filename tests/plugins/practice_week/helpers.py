"""Building practice weeks and observations through the plugin's own services."""

from __future__ import annotations

from datetime import date

from werkzeug.datastructures import MultiDict

from core.extensions import db
from plugins.practice_week import observations, schedule
from plugins.practice_week.models import Observation, PracticeWeek

TOOL = "practice_week.observation_pcf"


def date_fields(name: str, day: date) -> dict[str, str]:
    return {f"{name}-day": str(day.day), f"{name}-month": str(day.month),
            f"{name}-year": str(day.year)}


def week_form(starts: date = date(2026, 10, 5), ends: date = date(2026, 10, 9),
              **extra: str) -> dict[str, str]:
    return {"title": "Autumn practice week", "theme": "The child's voice",
            "practitioner_views": "Practitioners asked us to look at direct work.",
            "tool_key": TOOL, **date_fields("starts_on", starts), **date_fields("ends_on", ends),
            **extra}


def make_week(pw, *leaders) -> PracticeWeek:
    week = schedule.create_week(pw.w.a, week_form(), pw.qa)
    for user in leaders:
        schedule.add_leader(week, {"leader": str(user.id), "capacity": "hos"})
    db.session.commit()
    return week


def slot(observer, practitioner, day: date = date(2026, 10, 6), starts: str = "10:00",
         ends: str = "11:30", event: str = "supervision") -> dict[str, str]:
    return {"observer": str(observer.id), "practitioner": str(practitioner.id),
            "event": event, "starts": starts, "ends": ends, **date_fields("on", day)}


def observe(pw, week, observer, practitioner, **kwargs) -> Observation:
    obs = schedule.schedule(pw.w.a.id, pw.w.p1.id, week, slot(observer, practitioner, **kwargs),
                            pw.qa)
    db.session.commit()
    return obs


def record_form(obs: Observation, observed_on: date = date(2026, 10, 6),
                grades: dict[str, str] | None = None, **extra) -> MultiDict:
    grades = grades or {"PCF7": "good", "PCF6": "requires_improvement"}
    data = [("version", str(obs.version)), ("situation", "Supervision of a CIN case"),
            ("aim", "Review the plan"), ("those_present", "Practitioner, team manager"),
            ("positives", "Warm, curious questioning"),
            ("development", "Analysis of risk needs more depth"),
            ("reflection_ability", "Reflected openly on what went less well"),
            *date_fields("observed_on", observed_on).items(),
            *date_fields("verbal_feedback_on", observed_on).items()]
    for code, grade in grades.items():
        data += [("standards", code), (f"grade_{code}", grade),
                 (f"evidence_{code}", f"Evidence for {code}")]
    data += list(extra.items())
    return MultiDict(data)


def record(obs: Observation, by, **kwargs) -> None:
    observations.record(obs, record_form(obs, **kwargs), by)
    db.session.commit()


def share(obs: Observation, by) -> None:
    observations.share_feedback(obs, {"version": str(obs.version)}, by)
    db.session.commit()


REFLECTION = {"achieved_aims": "Mostly", "went_well": "Listening",
              "could_improve": "Risk analysis", "how_improve": "Use the risk framework",
              "unexpected": ""}


def reflect(obs: Observation, by) -> None:
    observations.reflect(obs, {"version": str(obs.version), **REFLECTION}, by)
    db.session.commit()
