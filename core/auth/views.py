"""The `auth` blueprint: sign in and sign out here; codes, account and reset in sibling modules.

Sign-in is two steps. A correct password only leaves a pending marker (see `pending`); the
session proper starts in `signin.complete` once any second factor is done.
"""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from core.auth import pending, signin
from core.auth.forms import SignInForm
from core.auth.sessions import end_session
from core.extensions import db, limiter
from core.identity.access import login_required, public
from core.identity.security_log import record

bp = Blueprint("auth", __name__)


def _login_rate_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


# Per-IP throttle on every form that takes a password, code or address (POST only).
throttled = limiter.limit(_login_rate_limit, methods=["POST"])


@bp.route("/sign-in", methods=["GET", "POST"])
@public
@throttled
def login():
    if current_user.is_authenticated:
        return redirect(pending.safe_next(request.args.get("next")) or url_for("core.home"))
    form = SignInForm()
    if form.validate_on_submit():
        user = signin.check_password(form.email.data, form.password.data)
        if user is not None:
            return _after_password(user)
        form.email.errors.append(signin.GENERIC_ERROR)
    return render_template("auth/sign_in.html", form=form,
                           lock_threshold=current_app.config["LOGIN_LOCK_THRESHOLD"],
                           lock_minutes=current_app.config["LOGIN_LOCK_MINUTES"])


def _after_password(user):
    pending.begin(user, request.args.get("next"))
    step = signin.second_step(user)
    if step is not None:
        return redirect(url_for(step))
    return redirect(signin.complete(user))


@bp.post("/sign-out")
@login_required
def logout():
    user = current_user._get_current_object()
    end_session()
    db.session.commit()
    record("logout", user=user)
    flash("You have signed out", "success")
    response = redirect(url_for("auth.login"))
    response.headers["Clear-Site-Data"] = '"cache","storage"'
    return response


# The other routes attach themselves to `bp` when imported.
from core.auth import account_views, mfa_views, reset_views  # noqa: E402, F401
