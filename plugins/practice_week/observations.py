"""Recording an observation: consent, the observer's record and written feedback, the
practitioner's reflection, and development actions (Hillingdon App. B).

Families consent in writing before the visit and confirm on the day; without both, the
observation cannot be recorded as one with the family present. Nothing here commits.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from core.toolkit import (
    Action,
    ActionInvalid,
    ActionSource,
    Partnership,
    User,
    can,
    db,
    fire,
    instances_for,
    notify,
    raise_action,
)
from plugins.practice_week import clock, forms
from plugins.practice_week.access import line_managers
from plugins.practice_week.forms import Invalid
from plugins.practice_week.models import Observation
from plugins.practice_week.permissions import OVERSEE
from plugins.practice_week.schedule import tool_of
from plugins.practice_week.vocab import GRADE_LABELS, REFLECTION, YES_NO
from plugins.practice_week.workflow import KEY, SUBJECT

ACTIVITY = "practice_week"


def instance_of(obs: Observation) -> Any:
    return instances_for(SUBJECT, obs.id, KEY)[-1]


def _move(obs: Observation, transition: str, by: User) -> None:
    instance = fire(instance_of(obs), transition, by)
    obs.state = instance.state


# --- consent -------------------------------------------------------------------------------


def record_consent(obs: Observation, form: Mapping[str, Any], by: User) -> None:
    """The family's written agreement, which must be given before the day."""
    forms.check_version(form, obs)
    errors: dict[str, str] = {}
    given = forms.day(form, "written_consent_on", "the date the family agreed in writing",
                      errors)
    day_of = clock.london(obs.starts_at).date()
    if given and given > day_of:
        errors["written_consent_on"] = ("Written consent must be given on or before the day "
                                        "of the observation")
    elif given and given > clock.today():
        errors["written_consent_on"] = "The date of written consent cannot be in the future"
    if errors:
        raise Invalid(errors)
    obs.written_consent_on, obs.consent_recorded_by_id = given, by.id


def cancel(obs: Observation, form: Mapping[str, Any], by: User) -> None:
    """Take an observation off the schedule before it happens, saying why; both are told."""
    forms.check_version(form, obs)
    errors: dict[str, str] = {}
    reason = forms.text(form, "reason", "why the observation is cancelled", errors, limit=500)
    if errors:
        raise Invalid(errors)
    _move(obs, "cancel", by)
    obs.cancelled_reason = reason
    notify([obs.observer, obs.practitioner], "practice_week.cancelled",
           f"Observation {obs.reference} is cancelled",
           f"Observation of practice {obs.reference} is cancelled: {reason}",
           link=f"/practice_week/observations/{obs.id}", partnership_id=obs.partnership_id)


# --- the observer's record -----------------------------------------------------------------


def _family(obs: Observation, form: Mapping[str, Any], observed_on: date | None,
            errors: dict[str, str]) -> tuple[bool | None, bool | None]:
    if not obs.with_family_event:
        return None, None
    present = forms.choice(form, "with_family", dict(YES_NO),
                           "Say whether the family took part in the observed session", errors)
    if present != "yes":
        return (False if present else None), None
    verbal = forms.choice(form, "verbal_consent", dict(YES_NO),
                          "Say whether the family confirmed their consent on the day", errors)
    if obs.written_consent_on is None or (observed_on and obs.written_consent_on > observed_on):
        errors["with_family"] = ("No written consent was recorded before the visit: the "
                                 "observation cannot be recorded as one with the family")
    elif verbal == "no":
        errors["verbal_consent"] = ("The family did not confirm on the day: the observation "
                                    "cannot be recorded as one with the family")
    return True, verbal == "yes"


def _standards(obs: Observation, form: Mapping[str, Any],
               errors: dict[str, str]) -> dict[str, dict[str, str]]:
    tool = tool_of(obs)
    titles = {d.code: d.title for d in tool.domains} if tool else {}
    chosen = [code for code in form.getlist("standards") if code in titles] \
        if hasattr(form, "getlist") else []
    if not chosen:
        errors["standards"] = "Select at least one standard you observed"
    feedback = {}
    for code in chosen:
        grade = form.get(f"grade_{code}") or ""
        if grade not in GRADE_LABELS:
            errors[f"grade_{code}"] = f"Select a grade for {titles[code]}"
        evidence = forms.text(form, f"evidence_{code}", f"feedback and evidence for "
                              f"{titles[code]}", errors)
        feedback[code] = {"grade": grade, "evidence": evidence or ""}
    return feedback


def record(obs: Observation, form: Mapping[str, Any], by: User) -> None:
    """Save the observer's record; the first save starts the written-feedback clock."""
    forms.check_version(form, obs)
    errors: dict[str, str] = {}
    observed_on = forms.day(form, "observed_on", "the date of the observation", errors)
    if observed_on and observed_on > clock.today():
        errors["observed_on"] = "The date of the observation cannot be in the future"
    with_family, verbal = _family(obs, form, observed_on, errors)
    values = {
        "situation": forms.text(form, "situation", "the situation", errors),
        "aim": forms.text(form, "aim", "the aim of the intervention", errors),
        "those_present": forms.text(form, "those_present",
                                    "who was present (roles only, no names)", errors),
        "positives": forms.text(form, "positives", "the positive aspects of practice", errors),
        "development": forms.text(form, "development", "the areas for further development",
                                  errors),
        "reflection_ability": forms.text(form, "reflection_ability",
                                         "the practitioner's ability to reflect", errors),
        "verbal_feedback_on": forms.day(form, "verbal_feedback_on",
                                        "the date verbal feedback was given", errors),
    }
    feedback = _standards(obs, form, errors)
    if errors:
        raise Invalid(errors)
    for name, value in values.items():
        setattr(obs, name, value)
    obs.feedback, obs.observed_on = feedback, observed_on
    obs.with_family, obs.verbal_consent = with_family, verbal
    if obs.state == "scheduled":
        _move(obs, "observe", by)


def missing_parts(obs: Observation) -> list[str]:
    """What the record still needs before written feedback can be sent."""
    missing = []
    if obs.observed_on is None:
        missing.append("record the observation first")
    if not obs.feedback:
        missing.append("give feedback on at least one standard")
    if obs.verbal_feedback_on is None:
        missing.append("record when verbal feedback was given")
    return missing


def share_feedback(obs: Observation, form: Mapping[str, Any], by: User) -> None:
    """Send the written feedback to the practitioner, who is asked to reflect."""
    forms.check_version(form, obs)
    _move(obs, "share", by)
    obs.feedback_sent_at = clock.now()
    notify([obs.practitioner], "practice_week.feedback",
           f"Written feedback on observation {obs.reference}",
           f"The written feedback on your observation of practice {obs.reference} is ready. "
           "Please add your own reflection.",
           link=f"/practice_week/observations/{obs.id}", partnership_id=obs.partnership_id)


def feedback_on_time(obs: Observation) -> bool | None:
    """Whether written feedback went within two weeks (None while not yet due or sent)."""
    if obs.observed_on is None:
        return None
    due = clock.feedback_due(obs.observed_on)
    if obs.feedback_sent_at is not None:
        return obs.feedback_sent_at <= due
    return False if clock.now() > due else None


# --- the practitioner's reflection ---------------------------------------------------------


def reflect(obs: Observation, form: Mapping[str, Any], by: User) -> None:
    forms.check_version(form, obs)
    errors: dict[str, str] = {}
    answers = {}
    for name, question in REFLECTION:
        required = name != "unexpected"
        answers[name] = forms.text(form, name, "your answer" if required else "",
                                   errors, required=required) or ""
        if name in errors:
            errors[name] = f"Answer: {question}"
    answers["other"] = forms.text(form, "other", "", errors, required=False) or ""
    if errors:
        raise Invalid(errors)
    obs.reflection = answers
    _move(obs, "reflect", by)
    obs.reflected_at = clock.now()
    notify([obs.observer], "practice_week.reflected",
           f"Reflection added to observation {obs.reference}",
           f"The practitioner has added their reflection to observation {obs.reference}.",
           link=f"/practice_week/observations/{obs.id}", partnership_id=obs.partnership_id)


# --- development actions -------------------------------------------------------------------


def may_raise_action(obs: Observation, user: User) -> bool:
    if obs.state not in ("reflection_due", "complete"):
        return False
    return (user.id == obs.observer_id or can(OVERSEE, obs, user=user)
            or user.id in line_managers(obs.practitioner_id, obs.agency_id))


def raise_development_action(obs: Observation, form: Mapping[str, Any], by: User) -> Action:
    """An agreed SMART action for the practitioner from the areas for development."""
    errors: dict[str, str] = {}
    what = forms.text(form, "what", "what is to be done", errors, limit=500)
    due = forms.day(form, "due", "the date it is due", errors)
    if due and due <= clock.today():
        errors["due"] = "The due date must be in the future"
    if errors:
        raise Invalid(errors)
    try:
        return raise_action(partnership=db.session.get(Partnership, obs.partnership_id),
                            what=what, why=f"Area for development from observation of "
                                           f"practice {obs.reference}",
                            owner_agency=obs.agency, owner_user=obs.practitioner,
                            owner_team=obs.team, due=due,
                            source=ActionSource(ACTIVITY, obs.reference), by=by)
    except ActionInvalid as exc:
        raise Invalid({k if k in ("what", "due") else "what": v
                       for k, v in exc.errors.items()}) from None
