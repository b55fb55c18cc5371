"""Core's own API endpoints: who am I, and the coded cases my agency may see."""

from __future__ import annotations

from flask import abort
from flask_smorest import Blueprint
from sqlalchemy import or_, select

from core.api.auth import api_permission_required, current_token
from core.api.schemas import CaseQuerySchema, CaseSchema, MeSchema
from core.cases.models import Case, CaseAssignment
from core.cases.views import find_case, visible_cases
from core.extensions import db

bp = Blueprint("api", __name__, description="Your token, and the coded cases you may see")
PAGE_SIZE = 100
USE = "api.use"


@bp.get("/me")
@api_permission_required(USE)
@bp.response(200, MeSchema)
def me():
    """The person and agency this token acts for."""
    token = current_token()
    return {"email": token.user.email, "name": token.user.name, "agency": token.agency,
            "roles": sorted({m.role for m in token.user.memberships}),
            "token_expires_at": token.expires_at}


def _agency_cases():
    """Cases the person may see, limited to the token's agency or assigned to the person."""
    token = current_token()
    assigned = select(CaseAssignment.case_id).where(
        CaseAssignment.user_id == token.user_id, CaseAssignment.closed_at.is_(None))
    return visible_cases().where(or_(Case.agency_id == token.agency_id, Case.id.in_(assigned)))


@bp.get("/cases")
@api_permission_required("cases.view")
@bp.arguments(CaseQuerySchema, location="query")
@bp.response(200, CaseSchema(many=True))
def cases(query: dict):
    """Coded cases of the token's agency, and cases assigned to you: codes, never identity."""
    offset = (query["page"] - 1) * PAGE_SIZE
    return list(db.session.scalars(
        _agency_cases().order_by(Case.code).limit(PAGE_SIZE).offset(offset)))


@bp.get("/cases/<code>")
@api_permission_required("cases.view")
@bp.response(200, CaseSchema)
def case(code: str):
    """One coded case; 404 when it is outside the token's reach."""
    found = find_case(code)
    if db.session.scalar(_agency_cases().where(Case.id == found.id)) is None:
        abort(404)
    return found
