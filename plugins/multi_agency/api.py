"""The partner API: an agency's lead auditor lists their coded cases, fetches the tool,
declares any conflict of interest, submits returns and asks to reopen one from their own
systems (`/api/v1/multi-agency/...`).

Every call is scoped to the token's agency: an audit the agency does not take part in, or a
case outside it, is 404. The rules are the pages' rules (`group.declare`,
`returns.save_return`, `returns.request_reopen`), so a blocked auditor gets 403, a closed stage
409 and bad fields a 422 problem naming each one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import abort
from flask_smorest import abort as problem_abort
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, joinedload
from sqlalchemy.orm.exc import StaleDataError

from core.toolkit import (
    GRADES,
    NOT_APPLICABLE,
    ApiBlueprint,
    Case,
    api_permission_required,
    current_api_agency,
    current_api_token,
    db,
    idempotent,
    record_withheld,
    withheld_records,
)
from plugins.multi_agency.answers import ReturnInput
from plugins.multi_agency.group import auditor_for, blocked_reason, declaration_of, declare
from plugins.multi_agency.models import (
    MultiAgencyAudit,
    MultiAgencyCase,
    MultiAgencyDeclaration,
    MultiAgencyParticipant,
    MultiAgencyReturn,
)
from plugins.multi_agency.permissions import RETURN
from plugins.multi_agency.problems import Invalid, Refused
from plugins.multi_agency.returns import request_reopen, return_of, save_return, status_of
from plugins.multi_agency.schemas import (
    AgencyToolOut,
    AssignedCaseOut,
    DeclarationIn,
    DeclarationOut,
    ReopenRequestIn,
    ReturnIn,
    ReturnOut,
    ReturnStatusOut,
    ToolQuery,
)
from plugins.multi_agency.toolset import CORE_TOOL, current_tools, tools_of
from plugins.multi_agency.visibility import CONFLICTED, may_read_case_return

bp = ApiBlueprint("multi_agency_api", __name__, url_prefix="/multi-agency",
                  description="Multi-agency audits: your agency's coded cases and returns")
LISTED = ("planning", "open", "consultation", "reported")
NOT_YOURS = "You are not this agency's auditor for this case."
STAGE_BLOCKS = {"planning": "The audit is not open for returns yet; declare now whether you "
                            "had any casework involvement with the case."}


def _saved_at_once(thing: str) -> str:
    return f"Someone else saved this {thing} at the same moment; read it and try again."


def _my_audits() -> list[MultiAgencyAudit]:
    agency = current_api_agency()
    query = (select(MultiAgencyAudit).join(MultiAgencyParticipant)
             .where(MultiAgencyParticipant.agency_id == agency.id,
                    MultiAgencyAudit.status.in_(LISTED))
             .order_by(MultiAgencyAudit.reference))
    return list(db.session.scalars(query))


def _audit(reference: str) -> MultiAgencyAudit:
    """The audit with its participants in one round trip: every call checks the token's agency
    takes part, and the return's rules look up its auditor there again."""
    audit = db.session.scalars(
        select(MultiAgencyAudit).where(MultiAgencyAudit.reference == reference)
        .options(joinedload(MultiAgencyAudit.participants))).unique().first()
    if audit is None or audit.participant(current_api_agency().id) is None:
        abort(404)
    return audit


def _case(audit: MultiAgencyAudit, code: str) -> MultiAgencyCase:
    """The audit's case with this code (as `selection.audit_case`), found by one query with its
    case row rather than by loading the audit's cases and each one's case row in turn."""
    found = db.session.scalars(
        select(MultiAgencyCase).join(MultiAgencyCase.case)
        .where(MultiAgencyCase.audit_id == audit.id, Case.code == code)
        .options(contains_eager(MultiAgencyCase.case))
        .order_by(MultiAgencyCase.id).limit(1)).first()
    if found is None:
        abort(404)
    return found


@contextmanager
def _answered(thing: str, renamed: dict[str, str] | None = None,
              winner: Callable[[], object | None] | None = None) -> Iterator[None]:
    """The service's outcomes as problems: `Refused` at its status, `Invalid` as 422 naming
    each field (`renamed` maps a page's field name to the API's), a stale save as 409.

    Two first saves at once both insert; the unique row lets one win and the other's flush
    fails. If `winner` now finds the row, the loser is told to read and retry (409); any other
    clash is a fault and is raised.
    """
    try:
        yield
    except Refused as exc:
        abort(exc.status, exc.message)
    except StaleDataError:
        db.session.rollback()  # the failed flush leaves the session unusable until then
        abort(409, _saved_at_once(thing))
    except Invalid as exc:
        names = renamed or {}
        errors = {names.get(field, field): message for field, message in exc.errors.items()}
        problem_abort(422, messages={"json": _nested(errors)})
    except IntegrityError:
        db.session.rollback()
        if winner is None or winner() is None:
            raise
        abort(409, _saved_at_once(thing))


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
        STAGE_BLOCKS.get(audit.status, "The audit is no longer taking returns.")
    return {"audit": audit.reference, "audit_title": audit.title, "audit_status": audit.status,
            "theme": audit.theme, "case": selected.code, "cohort": selected.case.cohort,
            "age_band": selected.case.age_band,
            "submission_deadline": audit.submission_deadline, "agency": agency.name,
            "return_status": status_of(ret), "blocked": blocked}


@bp.get("/audits/<reference>/tool")
@api_permission_required(RETURN)
@bp.arguments(ToolQuery, location="query")
@bp.response(200, AgencyToolOut)
def tool(query: dict, reference: str):
    """The tool your agency completes: the shared core, and your agency's section.

    A return keeps the versions it was started on; pass `case` to get those for your return
    on that case (published versions can change while an audit runs).
    """
    audit, agency = _audit(reference), current_api_agency()
    ret = return_of(_case(audit, query["case"]), agency.id) if query["case"] else None
    tools = tools_of(ret) if ret is not None else current_tools(agency.type)
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
                     "reopen_request": _reopen_request(ret),
                     "blocked": blocked_reason(selected, agency.id, user)})
    return rows


@bp.get("/audits/<reference>/cases/<code>/return")
@api_permission_required(RETURN)
@bp.response(200, ReturnOut)
def read_return(reference: str, code: str):
    """Your agency's return for one case (404 until it is started)."""
    audit = _audit(reference)
    selected, agency = _case(audit, code), current_api_agency()
    if not may_read_case_return(audit, selected, agency.id, current_api_token().user):
        abort(403, CONFLICTED)
    ret = return_of(selected, agency.id)
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
    with _answered("return", winner=lambda: return_of(selected, agency.id)):
        ret, created = save_return(audit, selected, agency.id, user, ReturnInput(**given),
                                   submit=data["submit"], seen_version=data["version"])
    _record_new_withheld(selected, agency, data["withheld"], audit.reference, user)
    # save_return has loaded the return's tool versions (they were its own, or the current ones
    # it was started on), so the answer need not look them up again.
    return _return_out(audit, ret, tools_loaded=True), 201 if created else 200


def _record_new_withheld(selected: MultiAgencyCase, agency, items: list[dict], context: str,
                         user) -> None:
    """Record each withheld-information fact not already on record: partner systems resend
    the whole return on every update, and a fact is recorded once."""
    if not items:
        return
    known = {(r.basis, r.decided_by)
             for r in withheld_records(selected.case, agency.id, context)}
    for item in items:
        fact = (item["basis"], item["decided_by"].strip())
        if fact not in known:
            record_withheld(selected.case, agency, *fact, context, user)
            known.add(fact)


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


def _return_out(audit: MultiAgencyAudit, ret, tools_loaded: bool = False) -> dict[str, Any]:
    if not tools_loaded:
        tools_of(ret)  # the versions it was started on must still load
    withheld = withheld_records(ret.audit_case.case, ret.agency_id, audit.reference)
    return {"audit": audit.reference, "case": ret.audit_case.code, "agency": ret.agency.name,
            "status": status_of(ret), "no_involvement": ret.no_involvement,
            "grades": ret.grades, "answers": ret.answers, "overall_chosen": ret.overall_chosen,
            "overall": ret.overall, "limited": ret.limited,
            "override_reason": ret.override_reason, "evidence": ret.evidence,
            "what_worked": ret.what_worked, "what_did_not": ret.what_did_not,
            "withheld": withheld, "updated_at": ret.updated_at,
            "submitted_at": ret.submitted_at, "reopen_request": _reopen_request(ret),
            "version": ret.version, "tool_versions": _tool_versions(ret),
            "practitioner_feedback_on": ret.practitioner_feedback_on}


def _tool_versions(ret: MultiAgencyReturn) -> dict[str, int]:
    versions = {CORE_TOOL: ret.core_tool_version}
    if ret.section_tool_key:
        versions[ret.section_tool_key] = ret.section_tool_version
    return versions


def _reopen_request(ret: MultiAgencyReturn | None) -> dict[str, Any] | None:
    """The pending request to reopen a submitted return (none once reopened or resubmitted)."""
    if status_of(ret) != "reopen_requested":
        return None
    return {"reason": ret.reopen_reason, "requested_at": ret.reopen_requested_at}


@bp.post("/audits/<reference>/cases/<code>/return/reopen-request")
@api_permission_required(RETURN)
@idempotent
@bp.arguments(ReopenRequestIn)
@bp.response(200, ReturnOut)
def ask_to_reopen(data: dict, reference: str, code: str):
    """Ask the coordinator to reopen your agency's submitted return, saying why.

    409 while the return is a draft or a request is already pending; the coordinator is
    notified and reopens it as a draft. Send an `Idempotency-Key` header.
    """
    audit = _audit(reference)
    selected, agency = _case(audit, code), current_api_agency()
    ret = return_of(selected, agency.id)
    if ret is None:
        abort(404, "There is no return to reopen.")
    with _answered("return", {"reopen_reason": "reason"}):
        request_reopen(ret, current_api_token().user, data["reason"])
        db.session.flush()
    return _return_out(audit, ret)


# --- Conflict-of-interest declarations ----------------------------------------------------------


def _own_case(selected, agency_id: int, user) -> None:
    """Only the token's agency's auditor for the case declares on it through this token."""
    auditor = auditor_for(selected, agency_id)
    if auditor is None or auditor.id != user.id:
        abort(403, NOT_YOURS)


def _declaration_out(audit: MultiAgencyAudit, found: MultiAgencyDeclaration, selected,
                     agency, user) -> dict[str, Any]:
    return {"audit": audit.reference, "case": selected.code, "agency": agency.name,
            "conflict": found.conflict, "declared_at": found.declared_at,
            "blocked": blocked_reason(selected, agency.id, user)}


@bp.get("/audits/<reference>/cases/<code>/declaration")
@api_permission_required(RETURN)
@bp.response(200, DeclarationOut)
def read_declaration(reference: str, code: str):
    """Your declaration on one case for this agency (404 until you make it)."""
    audit = _audit(reference)
    selected, agency = _case(audit, code), current_api_agency()
    user = current_api_token().user
    found = declaration_of(selected, user)
    if found is None or found.agency_id != agency.id:
        abort(404)
    return _declaration_out(audit, found, selected, agency, user)


@bp.post("/audits/<reference>/cases/<code>/declaration")
@api_permission_required(RETURN)
@idempotent
@bp.arguments(DeclarationIn)
@bp.response(200, DeclarationOut)
@bp.alt_response(201, schema=DeclarationOut, description="The declaration was made")
def make_declaration(data: dict, reference: str, code: str):
    """Declare whether you had any casework involvement with the case, before auditing it.

    `conflict: true` blocks you on the case (another auditor of your agency can be named) and
    cannot be withdrawn (409); declaring again otherwise updates it (200). Allowed while the
    audit is being planned or is open. Send an `Idempotency-Key` header.
    """
    audit = _audit(reference)
    selected, agency = _case(audit, code), current_api_agency()
    user = current_api_token().user
    _own_case(selected, agency.id, user)
    created = declaration_of(selected, user) is None
    with _answered("declaration", {f"case-{selected.id}": "conflict"},
                   winner=lambda: declaration_of(selected, user)):
        found = declare(audit, selected, user, data["conflict"])
    return _declaration_out(audit, found, selected, agency, user), 201 if created else 200
