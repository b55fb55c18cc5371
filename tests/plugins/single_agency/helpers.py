"""Filling in an audit the way an auditor would, section by section, for the tests."""

from __future__ import annotations

from datetime import date

from core.extensions import db
from plugins.single_agency import audits, cycles, qa
from plugins.single_agency.models import Audit, Cycle

ANSWERS = {"yes_no_partly": "yes", "text": "Evidence seen in the record for this standard.",
           "date": "2026-02-10", "grade": "good", "score_0_10": "7"}


def grading_form(audit: Audit, grades: dict[str, str] | None = None, default: str = "good",
                 overall: str | None = None, reason: str = "", answers: bool = True) -> dict:
    """A complete grading form: every domain graded (`grades` overrides `default`)."""
    tool = audits.tool_of(audit)
    grades = grades or {}
    form = {"version": str(audit.version), "overall-choice": overall or default,
            "overall-reason": reason}
    for domain in tool.domains:
        grade = grades.get(domain.code, default)
        if domain.grading == "score_0_10":
            form[f"{domain.code}-score"] = {"outstanding": "9", "good": "7",
                                            "requires_improvement": "4",
                                            "inadequate": "1"}[grade]
        else:
            form[f"{domain.code}-grade"] = grade
        form[f"{domain.code}-evidence"] = f"Evidence for {domain.title}."
        if answers:
            for question in domain.questions:
                form[f"q-{question.code}"] = (question.choices[0] if question.type == "choice"
                                              else ANSWERS[question.type])
    return form


def date_parts(prefix: str, day: date) -> dict[str, str]:
    return {f"{prefix}-day": str(day.day), f"{prefix}-month": str(day.month),
            f"{prefix}-year": str(day.year)}


def send_cycle(programme, cycle: Cycle, by) -> list[Audit]:
    sent = cycles.send(cycle, by)
    db.session.commit()
    return sent


def carry_out(audit: Audit, grades: dict[str, str] | None = None, default: str = "good",
              overall: str | None = None, reason: str = "", before: dict | None = None,
              on: date = date(2026, 3, 2)) -> None:
    """Everything an auditor does before submitting: file review (graded as `before`, or as
    the final grades), safety check, conversation, regrading, family contact, summary."""
    auditor = audit.auditor
    first = before if before is not None else {"grades": grades, "default": default,
                                               "overall": overall, "reason": reason}
    assert audits.save_file_review(audit, grading_form(audit, **first), auditor,
                                   finish=True) == {}
    audits.save_safety_check(audit, {"version": str(audit.version),
                                     "child_safety_concern": "no",
                                     "supervision_recent": "yes"}, auditor)
    audits.save_conversation(audit, {"version": str(audit.version), **date_parts(
        "conversation", on), "conversation_notes": "We talked about the plan."}, auditor,
        ["practitioner", "team_manager"])
    assert audits.save_after_conversation(audit, grading_form(
        audit, grades, default, overall, reason, answers=False), auditor) == {}
    audits.add_contact(audit, {"contact_with": "parent_carer", "outcome": "spoke",
                               "by_whom": "Auditor", **date_parts("contacted", on),
                               "summary": "Mother felt listened to."}, auditor)
    audits.save_summary(audit, {"version": str(audit.version), "strengths": "Clear plan.",
                                "development": "Chronology out of date."}, auditor)
    db.session.commit()


def add_an_action(audit: Audit, owner, due: date) -> None:
    audits.add_action(audit, {"version": str(audit.version),
                              "action_what": "Update the chronology with the last six months",
                              "action_owner": str(owner.id), **date_parts("action_due", due)},
                      audit.auditor, {owner.id: owner})
    db.session.commit()


def submit(audit: Audit) -> None:
    qa.submit(audit, audit.auditor, str(audit.version))
    db.session.commit()


def complete(audit: Audit, qa_person, rng, grade: str = "good", **kwargs) -> Audit:
    """Carry out, submit and accept an audit graded `grade` throughout."""
    carry_out(audit, default=grade, **kwargs)
    if grade not in ("good", "outstanding"):
        add_an_action(audit, audit.practitioner, _soon())
    submit(audit)
    qa.accept(audit, qa_person, rng)
    db.session.commit()
    return audit


def _soon() -> date:
    from plugins.single_agency import clock

    return date.fromordinal(clock.today().toordinal() + 14)
