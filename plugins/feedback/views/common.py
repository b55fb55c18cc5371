"""Small helpers the staff pages share: finding a case by code, the signed-in person."""

from __future__ import annotations

from typing import Any

from flask import abort, request
from sqlalchemy import select

from core.toolkit import Case, current_user, db, require

MAX_CODE = 20


def me() -> Any:
    return current_user._get_current_object()


def case_for(code: str, permission: str) -> Case:
    """The case with this code if the user reaches it with `permission`; else 404 (403 when
    they hold the permission nowhere)."""
    code = (code or "").strip().upper()
    case = None
    if 0 < len(code) <= MAX_CODE:
        case = db.session.scalar(select(Case).where(Case.code == code))
    if case is None or case.destroyed_at is not None:
        require(permission)
        abort(404)
    require(permission, case)
    return case


def get_or_404(model: type, ident: Any, permission: str) -> Any:
    """A row the user reaches with `permission`, else 404."""
    if not isinstance(ident, str) or len(ident) > 64:
        abort(404)
    row = db.session.get(model, ident)
    if row is None:
        require(permission)
        abort(404)
    require(permission, row)
    return row


def page_number() -> int:
    """The ?page= number, 1 for anything else; capped so an offset stays sane."""
    raw = request.args.get("page", "1")
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 5:
        return 1
    return max(int(raw), 1)
