"""People: the scoped list with filters, adding a person, their page and their details."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import Select, or_
from sqlalchemy.orm import selectinload

from core.admin import accounts
from core.admin.accounts import email_taken
from core.admin.helpers import actor, add_errors, add_new_errors, load
from core.admin.people_forms import PersonEditForm, PersonForm, RoleForm
from core.admin.reach import membership_in_reach
from core.admin.role_input import fill_role_choices, grant_from_form
from core.admin.views import bp
from core.extensions import db
from core.identity.access import can, permission_required, scoped, visible_agencies
from core.identity.models import Agency, Membership, User
from core.identity.roles import ROLES
from core.identity.security_log import record

VIEW, MANAGE = "admin.people.view", "admin.people.manage"
PER_PAGE = 50
_MEMBERSHIPS = selectinload(User.memberships)
_ROLES_LOADED = (
    _MEMBERSHIPS.selectinload(Membership.agency).selectinload(Agency.partnerships),
    _MEMBERSHIPS.selectinload(Membership.team),
    _MEMBERSHIPS.selectinload(Membership.partnership),
)


@bp.get("/people")
@permission_required(VIEW)
def people():
    agencies = db.session.scalars(visible_agencies(VIEW)).all()
    filters = _filters({a.id for a in agencies})
    query = _filtered(scoped(User, VIEW), filters).order_by(User.name, User.id)
    page = db.paginate(query.options(*_ROLES_LOADED),
                       page=request.args.get("page", 1, type=int), per_page=PER_PAGE,
                       max_per_page=PER_PAGE, error_out=False)
    return render_template("admin/people.html", page=page, agencies=agencies, roles=ROLES,
                           filters=filters, seen=seen_memberships, may_add=can(MANAGE))


def _filters(agency_ids: set[int]) -> dict:
    """The filters asked for, keeping only values the user could have chosen."""
    agency = request.args.get("agency", type=int)
    role = request.args.get("role", "")
    return {
        "agency": agency if agency in agency_ids else None,
        "role": role if role in ROLES else "",
        "q": request.args.get("q", "").strip()[:100],
    }


def _filtered(query: Select, filters: dict) -> Select:
    conditions = []
    if filters["agency"]:
        conditions.append(Membership.agency_id == filters["agency"])
    if filters["role"]:
        conditions.append(Membership.role == filters["role"])
    if conditions:
        query = query.where(User.memberships.any(*conditions))
    if filters["q"]:
        query = query.where(or_(User.name.icontains(filters["q"], autoescape=True),
                                User.email.icontains(filters["q"], autoescape=True)))
    return query


def seen_memberships(user: User, permission: str = VIEW) -> list[Membership]:
    """The roles of `user` that the viewer may see (roles elsewhere stay hidden)."""
    me = actor()
    return [m for m in user.memberships if membership_in_reach(me, permission, m)]


@bp.route("/people/new", methods=["GET", "POST"])
@permission_required(MANAGE)
def person_new():
    form = PersonForm()
    fill_role_choices(form)
    if form.is_submitted():
        valid = form.validate()
        grant, problems = grant_from_form(form)
        if form.email.data and email_taken(form.email.data):
            problems["email"] = "A person with this email address already exists"
        if valid and not problems:
            return _create(form, grant)
        add_new_errors(form, problems)
    return render_template("admin/person_new.html", form=form)


def _create(form: PersonForm, grant: accounts.RoleGrant):
    expires = accounts.end_of_day(form.expires_on.data) if form.expires_on.data else None
    user = accounts.create_person(form.name.data, form.email.data, grant, expires_at=expires)
    db.session.commit()
    record("role_granted", user=actor(),
           detail=f"target={user.id} membership={user.memberships[0].id} role={grant.role}")
    flash(f"{user.name} added. They have no password yet: ask them to choose one with "
          "'Forgot your password?' on the sign-in page.", "success")
    return redirect(url_for("admin.person", user_id=user.id))


@bp.get("/people/<int:user_id>")
@permission_required(VIEW)
def person(user_id: int):
    user = load(User, user_id, VIEW)
    form = RoleForm(formdata=None)
    if can(MANAGE, user):
        fill_role_choices(form)
    return render_person(user, form)


def render_person(user: User, form: RoleForm, status: int = 200):
    """The person's page; also shown again, with errors, when adding a role fails."""
    shown = seen_memberships(user)
    return render_template(
        "admin/person.html", user=user, memberships=shown,
        hidden=len(user.memberships) - len(shown), form=form, may_manage=can(MANAGE, user),
        roles=ROLES,
        removable={m.id for m in seen_memberships(user, MANAGE)},
        end_date=accounts.end_date(user.expires_at), is_me=user.id == actor().id,
    ), status


@bp.route("/people/<int:user_id>/edit", methods=["GET", "POST"])
@permission_required(MANAGE)
def person_edit(user_id: int):
    user = load(User, user_id, MANAGE)
    form = PersonEditForm(obj=user)
    if not form.is_submitted():
        form.expires_on.data = accounts.end_date(user.expires_at)
    if form.validate_on_submit():
        if email_taken(form.email.data, except_user=user):
            add_errors(form, {"email": "A person with this email address already exists"})
        else:
            user.name, user.email = form.name.data, form.email.data
            day = form.expires_on.data
            user.expires_at = accounts.end_of_day(day) if day else None
            db.session.commit()
            flash(f"{user.name}'s details saved", "success")
            return redirect(url_for("admin.person", user_id=user.id))
    return render_template("admin/person_edit.html", form=form, user=user)
