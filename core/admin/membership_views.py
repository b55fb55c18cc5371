"""Changing a person's access: add or remove a role, disable or enable, reset MFA.

Each change is one transaction, then a security event naming only ids. Disabling an account
and resetting MFA end the person's live sessions at once.
"""

from __future__ import annotations

from flask import abort, flash, redirect, url_for

from core.admin import accounts
from core.admin.helpers import actor, add_new_errors, load
from core.admin.people_forms import RoleForm
from core.admin.people_views import render_person
from core.admin.reach import membership_in_reach
from core.admin.role_input import fill_role_choices, grant_from_form
from core.admin.views import bp
from core.auth.sessions import current_session_id, end_other_sessions
from core.extensions import db
from core.identity.access import can, permission_required
from core.identity.models import Membership, User
from core.identity.roles import ROLES
from core.identity.security_log import record

MANAGE = "admin.people.manage"


def _back(user: User):
    if can("admin.people.view", user):
        return redirect(url_for("admin.person", user_id=user.id))
    return redirect(url_for("admin.people"))


@bp.post("/people/<int:user_id>/roles")
@permission_required(MANAGE)
def role_add(user_id: int):
    user = load(User, user_id, MANAGE)
    form = RoleForm()
    fill_role_choices(form)
    valid = form.validate()
    grant, problems = grant_from_form(form, user)
    if not valid or problems:
        add_new_errors(form, problems)
        return render_person(user, form)
    membership = accounts.add_membership(user, grant)
    db.session.commit()
    record("role_granted", user=actor(),
           detail=f"target={user.id} membership={membership.id} role={grant.role}")
    flash(f"Role added: {ROLES[grant.role].label}", "success")
    return _back(user)


@bp.post("/people/<int:user_id>/roles/<int:membership_id>/remove")
@permission_required(MANAGE)
def role_remove(user_id: int, membership_id: int):
    user = load(User, user_id, MANAGE)
    membership = db.get_or_404(Membership, membership_id)
    if membership.user_id != user.id or not membership_in_reach(actor(), MANAGE, membership):
        abort(404)
    label, role = ROLES[membership.role].label, membership.role
    db.session.delete(membership)
    db.session.commit()
    record("role_removed",
           user=actor(), detail=f"target={user.id} membership={membership_id} role={role}")
    flash(f"Role removed: {label}", "success")
    return _back(user)


@bp.post("/people/<int:user_id>/disable")
@permission_required(MANAGE)
def person_disable(user_id: int):
    user = load(User, user_id, MANAGE)
    if user.id == actor().id:
        flash("You cannot disable your own account", "error")
        return _back(user)
    user.active = False
    end_other_sessions(user)
    db.session.commit()
    record("account_disabled", user=actor(), detail=f"target={user.id}")
    flash(f"{user.name}'s account is disabled and they have been signed out", "success")
    return _back(user)


@bp.post("/people/<int:user_id>/enable")
@permission_required(MANAGE)
def person_enable(user_id: int):
    user = load(User, user_id, MANAGE)
    user.active = True
    user.failed_logins, user.locked_until = 0, None
    db.session.commit()
    record("account_enabled", user=actor(), detail=f"target={user.id}")
    flash(f"{user.name}'s account is enabled", "success")
    return _back(user)


@bp.post("/people/<int:user_id>/reset-mfa")
@permission_required(MANAGE)
def person_reset_mfa(user_id: int):
    user = load(User, user_id, MANAGE)
    user.mfa_secret_enc = user.mfa_enabled_at = user.last_totp_step = None
    user.recovery_codes = None
    end_other_sessions(user, keep=current_session_id() if user.id == actor().id else None)
    db.session.commit()
    record("mfa_reset", user=actor(), detail=f"target={user.id}")
    flash(f"{user.name} will set up a new authenticator app when they next sign in, and has "
          "been signed out", "success")
    return _back(user)
