"""Reading an audit's grades back from core's grade history (appended, never changed)."""

from __future__ import annotations

from collections.abc import Iterable

from core.toolkit import grade_history
from plugins.single_agency.grading import SUBJECT
from plugins.single_agency.models import Audit

CURRENT = ("after_conversation", "moderation", "dispute")


def stage_grades(audit: Audit, stages: Iterable[str] = CURRENT
                 ) -> tuple[dict[str, str], str | None]:
    """The latest domain grades and overall grade given at any of `stages`.

    Later entries win, so with the default stages this is the audit's grade as it stands:
    after the conversation, then as moderated, then as a dispute settled it.
    """
    wanted = set(stages)
    domains: dict[str, str] = {}
    overall = None
    for row in grade_history(SUBJECT, audit.id):
        if row.stage not in wanted:
            continue
        if row.is_overall:
            overall = row.grade
        else:
            domains[row.domain_code] = row.grade
    return domains, overall


def by_stage(audit: Audit) -> dict[str, dict]:
    """Every stage's grading, for the audit page: {stage: {"domains": {...}, "overall": g}}."""
    found: dict[str, dict] = {}
    for row in grade_history(SUBJECT, audit.id):
        stage = found.setdefault(row.stage, {"domains": {}, "overall": None, "reason": None})
        if row.is_overall:
            stage["overall"], stage["reason"] = row.grade, row.override_reason
        else:
            stage["domains"][row.domain_code] = row.grade
    return found
