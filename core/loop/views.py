"""Closing-the-loop pages: the list, a new record, a record with its updates and actions, and
changing a record (two people saving at once: the second sees what changed and keeps what
they typed)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from core.actions.conflict import Conflict, conflict
from core.actions.editing import Stale
from core.actions.models import Action
from core.actions.queries import visible_ids
from core.extensions import db
from core.identity.access import can, permission_required, require, scoped, visible_partnerships
from core.loop.models import LoopRecord
from core.loop.service import (
    FIELDS,
    LoopInvalid,
    add_update,
    create_record,
    link_action,
    unlink_action,
    update_record,
)

bp = Blueprint("loop", __name__, url_prefix="/closing-the-loop")
VIEW, MANAGE = "loop.view", "loop.manage"
LABELS = {name: label for name, (label, _) in FIELDS.items()}


def _me() -> Any:
    return current_user._get_current_object()


def _record_or_404(record_id: int) -> LoopRecord:
    record = db.session.scalar(scoped(LoopRecord, VIEW).where(LoopRecord.id == record_id))
    if record is None:
        abort(404)
    return record


def _typed() -> dict[str, str]:
    return {name: request.form.get(name, "") for name in (*FIELDS, "version", "partnership")}


def _values(record: LoopRecord) -> dict[str, str]:
    return {**{name: getattr(record, name) or "" for name in FIELDS},
            "version": str(record.version)}


@bp.get("/")
@permission_required(VIEW)
def index():
    records = list(db.session.scalars(scoped(LoopRecord, VIEW)
                                      .order_by(LoopRecord.updated_at.desc(), LoopRecord.id)))
    return render_template("loop/index.html", records=records, may_create=can(MANAGE))


@bp.route("/new", methods=["GET", "POST"])
@permission_required(MANAGE)
def new():
    partnerships = list(db.session.scalars(visible_partnerships(MANAGE)))
    typed, errors = _typed(), {}
    if len(partnerships) == 1:
        typed["partnership"] = str(partnerships[0].id)
    if request.method == "POST":
        chosen = next((p for p in partnerships if str(p.id) == typed["partnership"]), None)
        try:
            record = create_record(chosen, typed, _me())
            db.session.commit()
            flash("Closing-the-loop record created", "success")
            return redirect(url_for("loop.show", record_id=record.id))
        except LoopInvalid as exc:
            db.session.rollback()
            errors = exc.errors
    return render_template("loop/new.html", typed=typed, errors=errors, fields=FIELDS,
                           partnerships=partnerships), 400 if errors else 200


def _page(record: LoopRecord, errors: dict[str, str] | None = None,
          typed: dict[str, str] | None = None, status: int = 200):
    seen = set(db.session.scalars(visible_ids(_me()).where(
        Action.id.in_([a.id for a in record.actions]))))
    return render_template(
        "loop/show.html", record=record, fields=FIELDS, errors=errors or {},
        typed=typed or {}, actions=[a for a in record.actions if a.id in seen],
        hidden=len(record.actions) - len(seen), may_manage=can(MANAGE, record)), status


@bp.get("/<int:record_id>")
@permission_required(VIEW)
def show(record_id: int):
    return _page(_record_or_404(record_id))


def _manageable(record_id: int) -> LoopRecord:
    record = _record_or_404(record_id)
    require(MANAGE, record)
    return record


def _edit_page(record: LoopRecord, typed: dict[str, str], errors: dict[str, str],
               found: Conflict | None = None):
    status = 409 if found else 400 if errors else 200
    return render_template(
        "loop/edit.html", record=record, typed=typed, errors=errors, fields=FIELDS,
        conflict=found, version=found.version if found else typed["version"]), status


def _conflict(typed: dict[str, str], record: LoopRecord) -> Conflict:
    return conflict(LABELS, typed, _values(record),
                    saved_by=record.updated_by.name if record.updated_by else None,
                    saved_at=record.updated_at, version=record.version)


@bp.route("/<int:record_id>/edit", methods=["GET", "POST"])
@permission_required(MANAGE)
def edit(record_id: int):
    record = _manageable(record_id)
    if request.method == "GET":
        return _edit_page(record, _values(record), {})
    typed = _typed()
    try:
        changed = update_record(record, typed, _me(), typed["version"])
        db.session.commit()
    except LoopInvalid as exc:
        db.session.rollback()
        return _edit_page(record, typed, exc.errors)
    except (Stale, StaleDataError):
        db.session.rollback()
        record = _record_or_404(record_id)
        return _edit_page(record, typed, {}, _conflict(typed, record))
    flash(f"Saved: {', '.join(changed)}" if changed else "Nothing was changed", "success")
    return redirect(url_for("loop.show", record_id=record_id))


@bp.post("/<int:record_id>/updates")
@permission_required(MANAGE)
def add_record_update(record_id: int):
    record = _manageable(record_id)
    text = request.form.get("update", "")
    try:
        add_update(record, _me(), text)
    except LoopInvalid as exc:
        db.session.rollback()
        return _page(record, exc.errors, {"update": text}, 400)
    db.session.commit()
    flash("Update added", "success")
    return redirect(url_for("loop.show", record_id=record_id) + "#updates")


def _action_by_reference(text: str) -> Action | None:
    """The action a reference names (ACT-00012 or 12), if the person may see it."""
    digits = text.strip().upper().removeprefix("ACT-").lstrip("0")
    if not digits.isdigit():
        return None
    return db.session.scalar(select(Action).where(
        Action.id == int(digits), Action.id.in_(visible_ids(_me()))))


@bp.post("/<int:record_id>/actions")
@permission_required(MANAGE)
def add_action(record_id: int):
    record = _manageable(record_id)
    text = request.form.get("action", "")
    try:
        link_action(record, _action_by_reference(text))
    except LoopInvalid as exc:
        db.session.rollback()
        return _page(record, exc.errors, {"action": text}, 400)
    db.session.commit()
    flash("Action linked", "success")
    return redirect(url_for("loop.show", record_id=record_id) + "#actions")


@bp.post("/<int:record_id>/actions/<int:action_id>/remove")
@permission_required(MANAGE)
def remove_action(record_id: int, action_id: int):
    record = _manageable(record_id)
    action = db.session.scalar(select(Action).where(
        Action.id == action_id, Action.id.in_(visible_ids(_me()))))
    if action is None:
        abort(404)
    unlink_action(record, action)
    db.session.commit()
    flash(f"Action {action.reference} is no longer linked", "success")
    return redirect(url_for("loop.show", record_id=record_id) + "#actions")
