"""The partner API: an agency's lead auditor lists their coded cases, fetches the tool, and
submits returns from their own systems (`/api/v1/multi-agency/...`).

Every call is scoped to the token's agency: an audit the agency does not take part in, or a
case outside it, is 404. The rules are the pages' rules (`returns.save_return`), so a blocked
auditor gets 403, a closed stage 409 and bad fields a 422 problem naming each one.
"""

from __future__ import annotations

from typing import Any

from flask import abort
from flask_smorest import abort as problem_abort
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from core.toolkit import (
    GRADES,
    NOT_APPLICABLE,
    ApiBlueprint,
    api_permission_required,
    current_api_agency,
    current_api_token,
    db,
    idempotent,
    record_withheld,
    withheld_records,
)
from plugins.multi_agency.answers import ReturnInput
from plugins.multi_agency.group import blocked_reason
from plugins.multi_agency.models import MultiAgencyAudit, MultiAgencyParticipant
from plugins.multi_agency.permissions import RETURN
from plugins.multi_agency.problems import Invalid, Refused
from plugins.multi_agency.returns import return_of, save_return, status_of
from plugins.multi_agency.schemas import (
    AgencyToolOut,
    AssignedCaseOut,
    ReturnIn,
    ReturnOut,
    ReturnStatusOut,
)
from plugins.multi_agency.selection import audit_case
from plugins.multi_agency.toolset import current_tools, tools_of

bp = ApiBlueprint("multi_agency_api", __name__, url_prefix="/multi-agency",
                  description="Multi-agency audits: your agency's coded cases and returns")
LISTED = ("open", "consultation", "reported")


def _my_audits() -> list[MultiAgencyAudit]:
    agency = current_api_agency()
    query = (select(MultiAgencyAudit).join(MultiAgencyParticipant)
             .where(MultiAgencyParticipant.agency_id == agency.id,
                    MultiAgencyAudit.status.in_(LISTED))
             .order_by(MultiAgencyAudit.reference))
    return list(db.session.scalars(query))


def _audit(reference: str) -> MultiAgencyAudit:
    audit = db.session.scalar(select(MultiAgencyAudit).where(
        MultiAgencyAudit.reference == reference))
    if audit is None or audit.participant(current_api_agency().id) is None:
        abort(404)
    return audit


def _case(audit: MultiAgencyAudit, code: str):
    found = audit_case(audit, code)
    if found is None:
        abort(404)
    return found


@bp.get("/cases")
@api_permission_required(RETURN)
@bp.response(200, AssignedCaseOut(many=True))
def cases():
    """Coded cases of the audits your agency takes part in, with your return's status."""
    agency, user = current_api_agency(), current_api_token().user
    return [_assigned(audit, c, agency, user) for audit in _my_audits() for c in audit.cases]


def _assigned(audit: MultiAgencyAudit, selected, agency, user) -> dict[str, Any]:
    ret = return_of(selected, agency.id)
    blocked = blocked_reason(selected, agency.id, user) if audit.status == "open" else \
        "The audit is no longer taking returns."
    return {"audit": audit.reference, "audit_title": audit.title, "audit_status": audit.status,
            "theme": audit.theme, "case": selected.code, "cohort": selected.case.cohort,
            "age_band": selected.case.age_band,
            "submission_deadline": audit.submission_deadline, "agency": agency.name,
            "return_status": status_of(ret), "blocked": blocked}


@bp.get("/audits/<reference>/tool")
@api_permission_required(RETURN)
@bp.response(200, AgencyToolOut)
def tool(reference: str):
    """The tool your agency completes: the shared core, and your agency's section."""
    audit, agency = _audit(reference), current_api_agency()
    tools = current_tools(agency.type)
    return {"audit": audit.reference, "agency": agency.name, "core": _tool(tools.core),
            "section": _tool(tools.section) if tools.section else None,
            "grades": [g.value for g in GRADES] + [NOT_APPLICABLE],
            "overall_rule": tools.core.rule_label}


def _tool(tool) -> dict[str, Any]:
    return {"key": tool.key, "version": tool.version, "title": tool.title,
            "description": tool.description,
            "domains": [{"code": d.code, "title": d.title, "guidance": d.guidance,
                         "allow_not_applicable": d.allow_not_applicable,
                         "descriptors": {g.value: list(items)
                                         for g, items in d.descriptors.by_grade()},
                         "questions": [vars(q) for q in d.questions]}
                        for d in tool.domains]}


@bp.get("/audits/<reference>/returns")
@api_permission_required(RETURN)
@bp.response(200, ReturnStatusOut(many=True))
def statuses(reference: str):
    """Your agency's submission status for every case of the audit."""
    audit, agency = _audit(reference), current_api_agency()
    user = current_api_token().user
    rows = []
    for selected in audit.cases:
        ret = return_of(selected, agency.id)
        rows.append({"case": selected.code, "status": status_of(ret),
                     "submitted_at": ret.submitted_at if ret else None,
                     "blocked": blocked_reason(selected, agency.id, user)})
    return rows


@bp.get("/audits/<reference>/cases/<code>/return")
@api_permission_required(RETURN)
@bp.response(200, ReturnOut)
def read_return(reference: str, code: str):
    """Your agency's return for one case (404 until it is started)."""
    audit = _audit(reference)
    selected = _case(audit, code)
    ret = return_of(selected, current_api_agency().id)
    if ret is None:
        abort(404)
    return _return_out(audit, ret)


@bp.post("/audits/<reference>/cases/<code>/return")
@api_permission_required(RETURN)
@idempotent
@bp.arguments(ReturnIn)
@bp.response(200, ReturnOut)
@bp.alt_response(201, schema=ReturnOut, description="The return was started")
def write_return(data: dict, reference: str, code: str):
    """Save your agency's return as a draft, or submit it (`submit: true`).

    Send an `Idempotency-Key` header: a retried request changes nothing twice. Withheld
    information is recorded as a fact, a basis and who decided, never the information.
    """
    audit = _audit(reference)
    selected, agency = _case(audit, code), current_api_agency()
    user = current_api_token().user
    given = {k: v for k, v in data.items() if k not in ("withheld", "submit", "version")}
    try:
        ret, created = save_return(audit, selected, agency.id, user, ReturnInput(**given),
                                   submit=data["submit"], seen_version=data["version"])
    except Refused as exc:
        abort(exc.status, exc.message)
    except StaleDataError:
        abort(409, "Someone else saved this return at the same moment; read it and try again.")
    except Invalid as exc:
        problem_abort(422, messages={"json": _nested(exc.errors)})
    for item in data["withheld"]:
        record_withheld(selected.case, agency, item["basis"], item["decided_by"],
                        audit.reference, user)
    return _return_out(audit, ret), 201 if created else 200


def _nested(errors: dict[str, str]) -> dict[str, Any]:
    """`grades.RESP` → {"grades": {"RESP": [message]}}, so the pointer is #/grades/RESP."""
    nested: dict[str, Any] = {}
    for field, message in errors.items():
        head, _, tail = field.partition(".")
        if tail:
            nested.setdefault(head, {})[tail] = [message]
        else:
            nested[head] = [message]
    return nested


def _return_out(audit: MultiAgencyAudit, ret) -> dict[str, Any]:
    tools_of(ret)  # the versions it was started on must still load
    withheld = withheld_records(ret.audit_case.case, ret.agency_id, audit.reference)
    return {"audit": audit.reference, "case": ret.audit_case.code, "agency": ret.agency.name,
            "status": status_of(ret), "no_involvement": ret.no_involvement,
            "grades": ret.grades, "answers": ret.answers, "overall_chosen": ret.overall_chosen,
            "overall": ret.overall, "limited": ret.limited,
            "override_reason": ret.override_reason, "evidence": ret.evidence,
            "what_worked": ret.what_worked, "what_did_not": ret.what_did_not,
            "withheld": withheld, "updated_at": ret.updated_at,
            "submitted_at": ret.submitted_at, "version": ret.version}
