"""The audit group pages: agencies taking part, lead auditors, declarations, substitutes and
the people who gather the family's views."""

from __future__ import annotations

from flask import abort, render_template, request, url_for

from core.toolkit import Agency, User, db, permission_required
from plugins.multi_agency import group, voice
from plugins.multi_agency.permissions import MANAGE, NOMINATE, RETURN, VIEW
from plugins.multi_agency.selection import audit_case
from plugins.multi_agency.views.common import attempt, bp, form_int, me
from plugins.multi_agency.visibility import find_audit, manages


def _user(field: str) -> User | None:
    user_id = form_int(field)
    return db.session.get(User, user_id) if user_id else None


def _group_page(audit, errors=None):
    nominating = {p.agency_id: group.eligible_auditors(p.agency_id)
                  for p in audit.participants if group.may_nominate(audit, p.agency, me())}
    conflicts = _conflicts(audit)
    return render_template(
        "multi_agency/group.html", audit=audit, manages=manages(audit), errors=errors or {},
        nominating=nominating, conflicts=conflicts,
        agencies=[a for a in audit.partnership.agencies if audit.participant(a.id) is None],
        family_candidates=voice.candidates(audit) if manages(audit) else [])


def _conflicts(audit):
    """(case, participant, eligible substitutes, current substitute) where a lead is blocked."""
    found = []
    for selected in audit.cases:
        for p in audit.participants:
            lead = p.lead_auditor
            declared = group.declaration_of(selected, lead) if lead else None
            if declared is not None and declared.conflict:
                others = [u for u in group.eligible_auditors(p.agency_id) if u.id != lead.id]
                found.append((selected, p, others, group.substitute_of(selected, p.agency_id)))
    return found


@bp.get("/<int:audit_id>/group")
@permission_required(VIEW)
def group_page(audit_id: int):
    return _group_page(find_audit(audit_id))


def _back(audit) -> str:
    return url_for("multi_agency.group_page", audit_id=audit.id)


@bp.post("/<int:audit_id>/group/agencies")
@permission_required(MANAGE)
def add_agency(audit_id: int):
    audit = find_audit(audit_id, MANAGE)
    agency_id = form_int("agency")
    agency = db.session.get(Agency, agency_id) if agency_id else None
    return attempt(lambda: group.add_participant(audit, agency, me()), "Agency added",
                   _back(audit), lambda e: _group_page(audit, e))


@bp.post("/<int:audit_id>/group/agencies/<int:agency_id>/remove")
@permission_required(MANAGE)
def remove_agency(audit_id: int, agency_id: int):
    audit = find_audit(audit_id, MANAGE)
    return attempt(lambda: group.remove_participant(audit, agency_id, me()), "Agency removed",
                   _back(audit), lambda e: _group_page(audit, e))


@bp.post("/<int:audit_id>/group/agencies/<int:agency_id>/nominate")
@permission_required(NOMINATE)
def nominate(audit_id: int, agency_id: int):
    audit = find_audit(audit_id, NOMINATE)
    return attempt(lambda: group.nominate(audit, agency_id, _user("auditor"), me()),
                   "Lead auditor nominated", _back(audit),
                   lambda e: _group_page(audit, {f"auditor-{agency_id}": e["auditor"]}))


@bp.post("/<int:audit_id>/group/substitutes")
@permission_required(NOMINATE)
def substitute(audit_id: int):
    audit = find_audit(audit_id, NOMINATE)
    selected = audit_case(audit, request.form.get("case", ""))
    if selected is None:
        abort(404)
    agency_id = form_int("agency") or 0
    key = f"substitute-{selected.id}-{agency_id}"
    return attempt(lambda: group.name_substitute(audit, selected, agency_id, _user("auditor"),
                                                 me()),
                   "Auditor named for the case", _back(audit),
                   lambda e: _group_page(audit, {key: e["auditor"]}))


@bp.post("/<int:audit_id>/group/family")
@permission_required(MANAGE)
def family_workers(audit_id: int):
    audit = find_audit(audit_id, MANAGE)
    return attempt(lambda: voice.name_workers(audit, _user("participation_worker"),
                                              _user("parent_voice_officer"), me()),
                   "Family contacts saved", _back(audit), lambda e: _group_page(audit, e))


# --- An auditor's declarations -------------------------------------------------------------------


def _declarations_page(audit, errors=None):
    mine = group.cases_of_auditor(audit, me())
    return render_template("multi_agency/declarations.html", audit=audit, errors=errors or {},
                           rows=[(c, a, group.declaration_of(c, me())) for c, a in mine])


@bp.get("/<int:audit_id>/declarations")
@permission_required(RETURN)
def declarations(audit_id: int):
    return _declarations_page(find_audit(audit_id, RETURN))


@bp.post("/<int:audit_id>/declarations")
@permission_required(RETURN)
def declare(audit_id: int):
    """Save the auditor's declaration for every case they answered on the page."""
    audit = find_audit(audit_id, RETURN)
    answers = {c.id: request.form.get(f"case-{c.id}") for c, _ in
               group.cases_of_auditor(audit, me())}

    def change():
        for case_id, answer in answers.items():
            if answer in ("conflict", "none"):
                selected = next(c for c in audit.cases if c.id == case_id)
                group.declare(audit, selected, me(), answer == "conflict")

    errors = {} if any(a in ("conflict", "none") for a in answers.values()) else {
        "declarations": "Answer for at least one case"}
    return attempt(change, "Declarations saved",
                   url_for("multi_agency.declarations", audit_id=audit.id),
                   lambda e: _declarations_page(audit, e), errors)
