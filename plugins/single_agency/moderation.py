"""Moderation: which accepted audits are moderated, by whom, and what the moderator decided.

Sampling rules per council: half of each cycle's completed audits (Havering), about a third
plus every audit graded good or better (Sefton), or all of them. The sample is drawn as audits
are accepted: an audit is chosen whenever the cycle would otherwise fall behind the rate, never
when it is already ahead, and at random in between, so a cycle's sample is always within one
audit of the rate yet nobody can tell in advance which audit will be chosen. The QA team can add
any accepted audit (Sefton: a disagreement about the overall grade).

The moderator confirms, upgrades or downgrades each domain and the overall grade; a change
needs a reason. The moderated grades are appended to the grade history and become the audit's
grade.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select

from core.toolkit import NOT_APPLICABLE, GradingError, can, db, record_grading
from plugins.single_agency import audits as audit_service
from plugins.single_agency import clock, difference, grading, notices, reaudits
from plugins.single_agency.allocation import conflicts
from plugins.single_agency.history import stage_grades
from plugins.single_agency.models import Audit, Moderation, Programme
from plugins.single_agency.settings import MODERATION_RATES


class ModerationInvalid(ValueError):
    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(self.errors.values()))


class StaleModeration(Exception):
    """Someone saved this moderation since the form was opened."""


def consider(audit: Audit, programme: Programme, rng: random.Random) -> Moderation | None:
    """At acceptance: choose the audit for moderation if the council's rule says so."""
    rule = programme.moderation_rule
    if rule == "all":
        because = "all"
    elif rule == "third_plus_good" and audit.final_grade in ("good", "outstanding"):
        because = "good_or_better"
    elif _sampled(audit, MODERATION_RATES[rule], rng):
        because = "sample"
    else:
        return None
    return _select(audit, because)


def _sampled(audit: Audit, rate: float, rng: random.Random) -> bool:
    in_cycle = select(Audit.id).where(Audit.cycle_id == audit.cycle_id,
                                      Audit.state == "accepted")
    accepted = db.session.scalar(select(func.count()).select_from(in_cycle.subquery()))
    chosen = db.session.scalar(select(func.count(Moderation.id)).where(
        Moderation.audit_id.in_(in_cycle)))
    if chosen < math.floor(rate * accepted):
        return True
    if chosen >= math.ceil(rate * accepted):
        return False
    return rng.random() < rate


def _select(audit: Audit, because: str) -> Moderation:
    moderation = Moderation(audit_id=audit.id, selected_because=because,
                            selected_at=clock.now())
    db.session.add(moderation)
    db.session.flush()
    return moderation


def request(audit: Audit) -> Moderation:
    """The QA team adds an accepted audit to the moderation list."""
    if audit.state != "accepted":
        raise ModerationInvalid({"audit": "Only accepted audits can be moderated."})
    return audit.moderation or _select(audit, "requested")


def moderator_refusal(audit: Audit, user: Any, who: str = "They") -> str | None:
    """Why `user` may not moderate this audit, or None (`who`: "They" or "You")."""
    if user.id == audit.auditor_id:
        return "The auditor cannot moderate their own audit."
    if not can("single_agency.moderate", audit, user=user):
        return f"{who} cannot moderate audits in this council."
    found = conflicts(user.id, audit)
    return f"{who} are not independent of the case: {found[0]}." if found else None


def assign(moderation: Moderation, moderator: Any) -> None:
    refusal = moderator_refusal(moderation.audit, moderator)
    if refusal:
        raise ModerationInvalid({"moderator": refusal})
    if moderation.completed_at is not None:
        raise ModerationInvalid({"moderator": "This audit has already been moderated."})
    moderation.moderator_id = moderator.id
    db.session.flush()
    notices.moderator_assigned(moderation.audit, moderator)


def record(moderation: Moderation, form: Mapping[str, str], user: Any) -> None:
    """Save the moderator's grades, with a reason for every change, and make them the audit's."""
    _check(moderation, form, user)
    audit = moderation.audit
    tool = audit_service.tool_of(audit)
    before, before_overall = stage_grades(audit, ("after_conversation",))
    errors: dict[str, str] = {}
    outcomes = {d.code: _outcome(form, d.code, d.title, before.get(d.code), errors,
                                 d.allow_not_applicable) for d in tool.domains}
    overall = _outcome(form, "overall", "Overall grade", before_overall, errors, False)
    result = _overall(tool, outcomes, overall, errors)
    meeting = _meeting(form, errors)
    if errors:
        raise ModerationInvalid(errors)
    record_grading(grading.SUBJECT, audit.id, "moderation",
                   {c: o["to"] for c, o in outcomes.items()}, result, recorded_by=user,
                   belongs_to=audit)
    _complete(moderation, outcomes, overall, meeting, user)


def _check(moderation: Moderation, form: Mapping[str, str], user: Any) -> None:
    if moderation.completed_at is not None:
        raise ModerationInvalid({"audit": "This audit has already been moderated."})
    if str(form.get("version")) != str(moderation.version):
        raise StaleModeration()
    if moderation.moderator_id not in (None, user.id):
        raise ModerationInvalid({"audit": "Another moderator has been asked to moderate this."})
    refusal = moderator_refusal(moderation.audit, user, "You")
    if refusal:
        raise ModerationInvalid({"audit": refusal})


def _outcome(form: Mapping[str, str], code: str, title: str, before: str | None,
             errors: dict[str, str], allow_na: bool) -> dict[str, Any]:
    after = (form.get(f"{code}-grade") or "").strip()
    allowed = grading.GRADE_VALUES | ({NOT_APPLICABLE} if allow_na else set())
    if after not in allowed:
        errors[f"{code}-grade"] = f"{title}: select the moderated grade"
        after = before or ""
    reason = grading.text(form, f"{code}-reason")
    outcome = grading.compare(before, after)
    if outcome != "confirmed" and len(reason) < 10:
        errors[f"{code}-reason"] = (f"{title}: give the reason for changing the grade "
                                    "(at least 10 characters)")
    return {"from": before, "to": after, "outcome": outcome, "reason": reason}


def _overall(tool: Any, outcomes: dict, overall: dict, errors: dict[str, str]) -> Any:
    if errors:
        return None
    grades = {code: o["to"] for code, o in outcomes.items()}
    try:
        return grading.overall(tool, grades, overall["to"], overall["reason"])
    except GradingError as exc:
        errors["overall-reason"] = exc.message
        return None


def _meeting(form: Mapping[str, str], errors: dict[str, str]) -> dict[str, Any]:
    held = audit_service.read_date(form, "meeting", errors, "the moderation meeting",
                               required=False)
    return {"meeting_on": held, "meeting_with": grading.text(form, "meeting_with") or None,
            "meeting_notes": grading.text(form, "meeting_notes") or None}


def _complete(moderation: Moderation, outcomes: dict, overall: dict, meeting: dict,
              user: Any) -> None:
    audit = moderation.audit
    moderation.outcomes, moderation.overall = outcomes, overall
    moderation.meeting_on = meeting["meeting_on"]
    moderation.meeting_with, moderation.meeting_notes = (meeting["meeting_with"],
                                                         meeting["meeting_notes"])
    moderation.moderator_id = moderation.moderator_id or user.id
    moderation.completed_at, moderation.completed_by_id = clock.now(), user.id
    audit.final_grade, audit.final_stage = overall["to"], "moderation"
    db.session.flush()
    reaudits.settle(audit)
    difference.sync(audit)
    notices.moderated(audit, overall["outcome"])
