"""When core's retention destroys a case, its narrative in multi-agency audits goes too.

Grades, outcomes and dates stay (they feed baseline comparisons and trend reports); every
piece of free text about the case is cleared: evidence, what worked and did not, written
answers, the family's words, the meeting's summary and dissent, and reopen reasons.
"""

from __future__ import annotations

from sqlalchemy import select

from core.toolkit import Case, db
from plugins.multi_agency.models import (
    MultiAgencyCase,
    MultiAgencyFinding,
    MultiAgencyReturn,
    MultiAgencyVoice,
)
from plugins.multi_agency.toolset import tools_of

CLEARED = {
    MultiAgencyReturn: ("evidence", "what_worked", "what_did_not", "reopen_reason"),
    MultiAgencyVoice: ("views",),
    MultiAgencyFinding: ("summary", "dissent"),
}


def _written_answers(ret: MultiAgencyReturn) -> dict:
    written = {q.code for _, q in tools_of(ret).questions() if q.type == "text"}
    return {code: value for code, value in ret.answers.items() if code not in written}


def destroy_narrative(case: Case) -> None:
    ids = select(MultiAgencyCase.id).where(MultiAgencyCase.case_id == case.id)
    for model, fields in CLEARED.items():
        for row in db.session.scalars(select(model).where(model.audit_case_id.in_(ids))):
            for name in fields:
                setattr(row, name, None)
            if isinstance(row, MultiAgencyReturn):
                row.answers = _written_answers(row)
    db.session.flush()
