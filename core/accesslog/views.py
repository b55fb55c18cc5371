"""Access log pages: information-governance officers browse, filter and export who saw what."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request, stream_with_context
from flask_login import current_user
from sqlalchemy import select

from core.accesslog.chain import append
from core.accesslog.queries import PERMISSION, filtered, parse_filter, scoped_log
from core.csvsafe import csv_lines
from core.extensions import db
from core.identity.access import permission_required
from core.identity.models import User
from core.timeutil import format_london, utcnow

bp = Blueprint("accesslog", __name__, url_prefix="/access-log")
PAGE_SIZE = 100
HEADER = ["entry", "time (Europe/London)", "person", "action", "object type", "object code",
          "partnership id", "from address", "detail", "hash"]


def _people(entries) -> dict[int, str]:
    ids = {e.user_id for e in entries if e.user_id}
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.email).where(User.id.in_(ids))).all())


def _actions() -> list[str]:
    scoped = scoped_log(current_user).subquery()
    return sorted(db.session.scalars(select(scoped.c.action).distinct()))


@bp.get("/")
@permission_required(PERMISSION)
def index():
    log_filter, errors = parse_filter(request.args)
    page = max(request.args.get("page", 1, type=int), 1)
    entries = [] if errors else list(db.session.scalars(
        filtered(current_user, log_filter).limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)))
    return render_template(
        "accesslog/index.html", entries=entries[:PAGE_SIZE], people=_people(entries),
        has_next=len(entries) > PAGE_SIZE, page=page, filter=log_filter, errors=errors,
        actions=_actions(), query=request.args.to_dict(),
    )


@bp.get("/export.csv")
@permission_required(PERMISSION)
def export():
    """Stream the filtered log as CSV; the export itself is logged first."""
    log_filter, errors = parse_filter(request.args)
    if errors:
        return index()
    append("accesslog_exported", "access_log", user=current_user,
           detail=f"filters: {sorted(k for k, v in request.args.items() if v)}")
    db.session.commit()
    entries = list(db.session.scalars(filtered(current_user, log_filter)))
    people = _people(entries)
    rows = ([e.id, format_london(e.at, "%Y-%m-%d %H:%M:%S"), people.get(e.user_id, ""), e.action,
             e.object_type, e.object_code, e.partnership_id, e.ip, e.detail, e.hash]
            for e in entries)
    name = f"access-log-{utcnow():%Y%m%d-%H%M}.csv"
    return Response(stream_with_context(csv_lines(HEADER, rows)), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
