"""Action pages: the central tracker, raising an action, the action page and changing it.

The tracker and the action page are open to anyone signed in because owners (often
practitioners without `actions.view`) must reach their own actions; what each person sees is
decided in the query (`queries.visible_actions`), and anything else answers 404.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from core.actions import rules, settings
from core.actions import status as st
from core.actions.conflict import Conflict, conflict
from core.actions.editing import Stale, update_action
from core.actions.forms import (
    COMPARED,
    ActionForm,
    choices_for,
    find_case,
    resolve,
)
from core.actions.models import Action, ActionPlan
from core.actions.queries import (
    ActionFilters,
    filtered,
    find_visible,
    visible_ids,
    with_details,
)
from core.actions.service import (
    TEXT_MAX,
    WHAT_MAX,
    ActionInvalid,
    ActionRefused,
    ActionSource,
    check_text,
    raise_action,
)
from core.extensions import db
from core.identity.access import (
    can,
    login_required,
    permission_required,
    require,
    visible_partnerships,
)
from core.identity.models import Agency, Partnership, Team, User

bp = Blueprint("actions", __name__, url_prefix="/actions")
PAGE_SIZE = 50
NEW_ORDER = ("partnership", "plan", "what", "why", "owner_agency", "owner_team", "owner_email",
             "due_date", "priority", "case_code", "source_ref")


def me() -> Any:
    return current_user._get_current_object()


# --- Tracker ------------------------------------------------------------------------------------


def _distinct(column, model=None) -> list:
    """The values of `column` among the actions the user sees (for the filter lists)."""
    ids = select(column).distinct().where(Action.id.in_(visible_ids(me())),
                                          column.is_not(None))
    values = list(db.session.scalars(ids))
    if model is None:
        return sorted(values)
    return list(db.session.scalars(select(model).where(model.id.in_(values))
                                   .order_by(model.name)))


def _filter_options() -> dict[str, list]:
    return {
        "partnership": _distinct(Action.partnership_id, Partnership),
        "agency": _distinct(Action.owner_agency_id, Agency),
        "team": _distinct(Action.owner_team_id, Team),
        "owner": _distinct(Action.owner_user_id, User),
        "plan": _distinct(Action.plan_id, ActionPlan),
        "source": _distinct(Action.source_activity),
    }


@bp.get("/")
@login_required
def index():
    filters = ActionFilters.from_args(request.args)
    page = max(request.args.get("page", 1, type=int), 1)
    query = with_details(filtered(me(), filters)).order_by(Action.due_date, Action.id)
    found = list(db.session.scalars(query.limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)))
    return render_template(
        "actions/index.html", actions=found[:PAGE_SIZE], has_next=len(found) > PAGE_SIZE,
        page=page, filters=filters, args=filters.as_args(), options=_filter_options(),
        statuses=st.STATUSES, colours=st.TAG_COLOURS, priorities=settings.PRIORITIES,
        today=settings.today(), may_raise=can(rules.MANAGE), may_see_plans=can(rules.VIEW))


# --- Raising an action --------------------------------------------------------------------------


def _partnership_for_new(form: ActionForm) -> tuple[list[Partnership], Partnership | None]:
    partnerships = list(db.session.scalars(visible_partnerships(rules.MANAGE)))
    chosen = form["partnership"] or request.args.get("partnership", "")
    picked = next((p for p in partnerships if str(p.id) == chosen), None)
    if picked is None and len(partnerships) == 1:
        picked = partnerships[0]
    return partnerships, picked


def _raise(form: ActionForm, partnership: Partnership, choices) -> tuple[dict, Action | None]:
    errors: dict[str, str] = {}
    values = resolve(form, choices, errors)
    case = find_case(form["case_code"], partnership, me(), errors)
    if errors:  # the choices are wrong: still report the wording at once
        check_text(form["what"], "what", "what is to be done", WHAT_MAX, errors)
        check_text(form["why"], "why", "why (the finding it answers)", TEXT_MAX, errors)
        return errors, None
    owner = values["owner"]
    try:
        return {}, raise_action(
            partnership=partnership, what=form["what"], why=form["why"],
            owner_agency=owner.agency, owner_user=owner.user, owner_team=owner.team,
            due=values["due"], priority=values["priority"], plan=values["plan"],
            source=ActionSource("core", form["source_ref"] or None, case), by=me())
    except ActionInvalid as exc:
        return exc.errors, None


@bp.route("/new", methods=["GET", "POST"])
@permission_required(rules.MANAGE)
def new():
    form = ActionForm.from_request(request.form if request.method == "POST" else request.args)
    partnerships, partnership = _partnership_for_new(form)
    if partnership is None:
        return render_template("actions/choose_partnership.html", partnerships=partnerships)
    choices = choices_for(me(), partnership, rules.MANAGE)
    if not choices.agencies:
        abort(404)
    errors: dict[str, str] = {}
    if request.method == "POST":
        errors, action = _raise(form, partnership, choices)
        if action is not None:
            db.session.commit()
            flash(f"Action {action.reference} raised", "success")
            return redirect(url_for("actions.show", action_id=action.id))
    return render_template(
        "actions/new.html", form=form, errors=errors, order=NEW_ORDER, choices=choices,
        partnership=partnership, several=len(partnerships) > 1,
        priorities=settings.PRIORITIES), 400 if errors else 200


# --- The action page ----------------------------------------------------------------------------


def action_page(action: Action, errors: dict[str, str] | None = None,
                typed: dict[str, str] | None = None, status: int = 200):
    """The action page; `errors` and `typed` bring back a note or evidence that failed."""
    user = me()
    return render_template(
        "actions/show.html", action=action, errors=errors or {}, typed=typed or {},
        statuses=st.STATUSES, colours=st.TAG_COLOURS, priorities=settings.PRIORITIES,
        judgements=st.JUDGEMENT_SHORT, outcomes=st.OUTCOMES, entry_labels=st.ENTRY_LABELS,
        overdue=action.status in st.ACTIVE and action.due_date < settings.today(),
        may_work=rules.work_refusal(action, user) is None,
        may_complete=rules.work_refusal(action, user) is None
        and action.status in st.CAN_COMPLETE,
        may_change=rules.may_manage(user, action) and action.status not in st.CLOSED,
        may_sign_off=rules.sign_off_refusal(action, user) is None,
        may_review=rules.review_refusal(action, user) is None,
        may_cancel=rules.cancel_refusal(action, user) is None,
        may_attach=_may_attach(action), case_visible=_case_visible(action),
        sign_off_by=_sign_off_names(action)), status


def _may_attach(action: Action) -> bool:
    case = action.case
    return case is not None and case.destroyed_at is None and can("cases.attach", case)


def _case_visible(action: Action) -> bool:
    from core.cases.views import can_see

    return action.case is not None and can_see(me(), action.case)


def _sign_off_names(action: Action) -> list[str]:
    from core.actions.line import sign_off_people

    if action.status != st.AWAITING_SIGN_OFF:
        return []
    return [p.name for p in sign_off_people(action)]


@bp.get("/<int:action_id>")
@login_required
def show(action_id: int):
    return action_page(find_visible(action_id, me()))


# --- Changing an action -------------------------------------------------------------------------


def _edit_values(form: ActionForm, action: Action, choices) -> tuple[dict[str, str], list[str]]:
    errors: dict[str, str] = {}
    values = resolve(form, choices, errors)
    if errors:
        return errors, []
    try:
        return {}, update_action(action, me(), what=form["what"], why=form["why"],
                                 owner=values["owner"], due=values["due"],
                                 priority=values["priority"], plan=values["plan"],
                                 seen_version=form["version"])
    except ActionInvalid as exc:
        return exc.errors, []


def _conflict(form: ActionForm, action: Action, choices) -> Conflict:
    saved = ActionForm.from_action(action)
    return conflict(COMPARED, form.shown(choices), saved.shown(choices),
                    saved_by=action.updated_by.name if action.updated_by else None,
                    saved_at=action.updated_at, version=action.version)


def _edit_page(action: Action, form: ActionForm, choices, errors: dict[str, str],
               found: Conflict | None = None):
    status = 409 if found else 400 if errors else 200
    return render_template(
        "actions/edit.html", action=action, form=form, errors=errors, choices=choices,
        conflict=found, version=found.version if found else form["version"],
        priorities=settings.PRIORITIES, order=NEW_ORDER), status


@bp.route("/<int:action_id>/edit", methods=["GET", "POST"])
@permission_required(rules.MANAGE)
def edit(action_id: int):
    action = find_visible(action_id, me())
    require(rules.MANAGE, action)
    choices = choices_for(me(), action.partnership, rules.MANAGE, keep_plan=action.plan)
    if action.status in st.CLOSED:
        flash("A signed-off or cancelled action cannot be changed.")
        return redirect(url_for("actions.show", action_id=action.id))
    if request.method == "GET":
        return _edit_page(action, ActionForm.from_action(action), choices, {})
    form = ActionForm.from_request(request.form)
    try:
        errors, changed = _edit_values(form, action, choices)
        if errors:
            db.session.rollback()
            return _edit_page(action, form, choices, errors)
        db.session.commit()
    except (Stale, StaleDataError):
        db.session.rollback()
        action = find_visible(action_id, me())
        return _edit_page(action, form, choices, {}, _conflict(form, action, choices))
    except ActionRefused as exc:
        db.session.rollback()
        flash(exc.message)
        return redirect(url_for("actions.show", action_id=action_id))
    flash(f"Saved: {', '.join(changed)}" if changed else "Nothing was changed", "success")
    return redirect(url_for("actions.show", action_id=action_id))


# Pages in their own modules, registered on this blueprint (imported last: they import `bp`).
from core.actions import plan_views, work_views  # noqa: E402, F401
