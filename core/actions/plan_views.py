"""Action plan pages: the list, a new plan, the board view of one plan, and changing a plan.

A plan belongs to a partnership; the board shows only the plan's actions the viewer may see,
in columns by where each action is in its life.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from core.actions import rules, settings
from core.actions import status as st
from core.actions.conflict import Conflict, conflict
from core.actions.editing import Stale
from core.actions.models import Action, ActionPlan
from core.actions.plans import PLAN_STATUSES, create_plan, update_plan
from core.actions.queries import visible_actions, visible_ids, with_details
from core.actions.service import ActionInvalid
from core.actions.views import bp, me
from core.extensions import db
from core.identity.access import can, permission_required, require, scoped, visible_partnerships

PLAN_FIELDS = {"name": "Name", "description": "Description", "status": "Status"}
BOARD_COLUMNS = (
    ("To do", (st.OPEN, st.RETURNED)),
    ("In progress", (st.IN_PROGRESS,)),
    ("Awaiting sign-off", (st.AWAITING_SIGN_OFF,)),
    ("Signed off", (st.SIGNED_OFF,)),
)


def _plan_or_404(plan_id: int) -> ActionPlan:
    plan = db.session.scalar(scoped(ActionPlan, rules.VIEW).where(ActionPlan.id == plan_id))
    if plan is None:
        abort(404)
    return plan


def _counts(plan_ids: list[int]) -> dict[int, dict[str, int]]:
    """Per plan: how many of its actions the user sees, how many are open and overdue."""
    rows = db.session.execute(
        select(Action.plan_id, Action.status, Action.due_date, func.count())
        .where(Action.plan_id.in_(plan_ids), Action.id.in_(visible_ids(me())))
        .group_by(Action.plan_id, Action.status, Action.due_date))
    today = settings.today()
    counts: dict[int, dict[str, int]] = {i: {"all": 0, "open": 0, "overdue": 0} for i in plan_ids}
    for plan_id, status, due, n in rows:
        counts[plan_id]["all"] += n
        if status in st.ACTIVE or status == st.AWAITING_SIGN_OFF:
            counts[plan_id]["open"] += n
        if status in st.ACTIVE and due < today:
            counts[plan_id]["overdue"] += n
    return counts


@bp.get("/plans")
@permission_required(rules.VIEW)
def plans():
    found = list(db.session.scalars(scoped(ActionPlan, rules.VIEW)
                                    .order_by(ActionPlan.status, ActionPlan.name)))
    return render_template("actions/plans.html", plans=found,
                           counts=_counts([p.id for p in found]),
                           may_create=can(rules.MANAGE), plan_statuses=PLAN_STATUSES)


@bp.route("/plans/new", methods=["GET", "POST"])
@permission_required(rules.MANAGE)
def new_plan():
    partnerships = list(db.session.scalars(visible_partnerships(rules.MANAGE)))
    typed = {n: request.form.get(n, "").strip() for n in ("partnership", "name", "description")}
    if len(partnerships) == 1:
        typed["partnership"] = str(partnerships[0].id)
    errors: dict[str, str] = {}
    if request.method == "POST":
        chosen = next((p for p in partnerships if str(p.id) == typed["partnership"]), None)
        try:
            plan = create_plan(chosen, typed["name"], typed["description"], me())
            db.session.commit()
            flash(f"Action plan '{plan.name}' created", "success")
            return redirect(url_for("actions.plan", plan_id=plan.id))
        except ActionInvalid as exc:
            db.session.rollback()
            errors = exc.errors
    return render_template("actions/plan_new.html", partnerships=partnerships, typed=typed,
                           errors=errors), 400 if errors else 200


def _board(plan: ActionPlan) -> tuple[list[tuple[str, list[Action]]], list[Action]]:
    query = with_details(visible_actions(me()).where(Action.plan_id == plan.id))
    actions = list(db.session.scalars(query.order_by(Action.due_date, Action.id)))
    columns = [(title, [a for a in actions if a.status in wanted])
               for title, wanted in BOARD_COLUMNS]
    return columns, [a for a in actions if a.status == st.CANCELLED]


@bp.get("/plans/<int:plan_id>")
@permission_required(rules.VIEW)
def plan(plan_id: int):
    found = _plan_or_404(plan_id)
    columns, cancelled = _board(found)
    return render_template(
        "actions/plan.html", plan=found, columns=columns, cancelled=cancelled,
        today=settings.today(), priorities=settings.PRIORITIES, statuses=st.STATUSES,
        colours=st.TAG_COLOURS, plan_statuses=PLAN_STATUSES,
        may_change=can(rules.MANAGE, found), tracker_args={"plan": found.id})


def _plan_values(plan: ActionPlan) -> dict[str, str]:
    return {"name": plan.name, "description": plan.description or "", "status": plan.status,
            "version": str(plan.version)}


def _shown(values: dict[str, str]) -> dict[str, str]:
    return {**values, "status": PLAN_STATUSES.get(values.get("status", ""), "")}


def _plan_conflict(typed: dict[str, str], plan: ActionPlan) -> Conflict:
    return conflict(PLAN_FIELDS, _shown(typed), _shown(_plan_values(plan)),
                    saved_by=plan.updated_by.name if plan.updated_by else None,
                    saved_at=plan.updated_at, version=plan.version)


def _edit_page(plan: ActionPlan, typed: dict[str, str], errors: dict[str, str],
               found: Conflict | None = None) -> tuple[Any, int]:
    status = 409 if found else 400 if errors else 200
    return render_template(
        "actions/plan_edit.html", plan=plan, typed=typed, errors=errors, conflict=found,
        version=found.version if found else typed["version"],
        plan_statuses=list(PLAN_STATUSES.items())), status


@bp.route("/plans/<int:plan_id>/edit", methods=["GET", "POST"])
@permission_required(rules.MANAGE)
def edit_plan(plan_id: int):
    found = _plan_or_404(plan_id)
    require(rules.MANAGE, found)
    if request.method == "GET":
        return _edit_page(found, _plan_values(found), {})
    typed = {n: request.form.get(n, "").strip() for n in (*PLAN_FIELDS, "version")}
    try:
        update_plan(found, me(), name=typed["name"], description=typed["description"],
                    status=typed["status"], seen_version=typed["version"])
        db.session.commit()
    except ActionInvalid as exc:
        db.session.rollback()
        return _edit_page(found, typed, exc.errors)
    except (Stale, StaleDataError):
        db.session.rollback()
        found = _plan_or_404(plan_id)
        return _edit_page(found, typed, {}, _plan_conflict(typed, found))
    flash("Action plan saved", "success")
    return redirect(url_for("actions.plan", plan_id=plan_id))
