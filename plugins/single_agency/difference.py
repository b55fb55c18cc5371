"""Make a Difference summaries (Sefton): what worked, from audits graded good or better.

A summary is drafted when an audit's grade settles at good or outstanding (acceptance, then
moderation or a dispute may move it) from the auditor's strengths; the QA team edits it and
publishes it in the briefing. A draft whose audit falls below good is withdrawn; a published
summary stays published (it has gone out). Drafts name the case code and team only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from core.toolkit import db
from plugins.single_agency import clock, notices
from plugins.single_agency.models import Audit, MakeADifference

GOOD = ("good", "outstanding")
MIN_SUMMARY = 20


class SummaryInvalid(ValueError):
    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(self.errors.values()))


def summary_of(audit: Audit) -> MakeADifference | None:
    return db.session.scalar(select(MakeADifference).where(MakeADifference.audit_id == audit.id))


def draft_text(audit: Audit) -> str:
    team = audit.team.name if audit.team else "the team"
    grade = (audit.final_grade or "").replace("_", " ")
    return (f"What made a difference in {team} (audit {audit.reference}, graded {grade}): "
            f"{(audit.strengths or '').strip()}")


def sync(audit: Audit) -> MakeADifference | None:
    """Draft, keep or withdraw the summary to match the audit's grade as it now stands."""
    found = summary_of(audit)
    good = audit.state == "accepted" and audit.final_grade in GOOD
    if found is None and good:
        found = MakeADifference(audit_id=audit.id, partnership_id=audit.partnership_id,
                                agency_id=audit.agency_id, team_id=audit.team_id,
                                summary=draft_text(audit), drafted_at=clock.now())
        db.session.add(found)
        db.session.flush()
        notices.make_a_difference_drafted(audit)
    elif found is not None and found.state != "published":
        found.state = "draft" if good else "withdrawn"
        db.session.flush()
    return found


def publish(summary: MakeADifference, text: str, version: Any, user: Any) -> None:
    """The QA team's edited text goes into the briefing."""
    if str(version) != str(summary.version):
        raise SummaryInvalid({"summary": "Someone else saved this summary since you opened the "
                                         "page. Check it and publish again."})
    if summary.state != "draft":
        raise SummaryInvalid({"summary": "Only a draft summary can be published."})
    text = (text or "").strip()
    if len(text) < MIN_SUMMARY:
        raise SummaryInvalid({"summary": "Write what made a difference for the child "
                                         f"(at least {MIN_SUMMARY} characters)"})
    summary.summary, summary.state = text, "published"
    summary.published_at, summary.published_by_id = clock.now(), user.id
    db.session.flush()
