"""Forgotten passwords: ask for a link, follow it once, choose a new password.

The page after asking is the same whether or not the address has an account. Following the
link moves the token into the session and redirects, so the token leaves the address bar and
the browser history. A reset signs the person out everywhere and does not sign them in: they
sign in as usual afterwards, second factor included.
"""

from __future__ import annotations

import logging

from flask import current_app, flash, redirect, render_template, session, url_for

from core import timeutil
from core.auth import emails, lockout, reset, signin
from core.auth.account_views import context_words
from core.auth.forms import ForgotPasswordForm, NewPasswordForm
from core.auth.passwords import hash_password, policy_problem
from core.auth.sessions import end_other_sessions
from core.auth.views import bp, throttled
from core.extensions import db
from core.identity.access import public
from core.identity.models import User
from core.identity.security_log import record

logger = logging.getLogger("partnership_audit.auth")


@bp.route("/forgot-password", methods=["GET", "POST"])
@public
@throttled
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        user = signin.find_user(form.email.data)
        if user is not None and user.is_active:
            _send_link(user)
        return render_template("auth/forgot_password_sent.html")
    return render_template("auth/forgot_password.html", form=form)


def _send_link(user: User) -> None:
    path = url_for("auth.reset_password", token=reset.make_token(user))
    # The link is built from PUBLIC_URL, never from the request's Host header.
    link = current_app.config["PUBLIC_URL"].rstrip("/") + path
    try:
        emails.send_reset_email(user, link)
        db.session.commit()  # sends, after commit; also frees SQLite's write lock for record()
    except OSError as exc:  # SMTP trouble must not show, or it would reveal the account
        db.session.rollback()
        logger.warning("password reset email not sent: %s", type(exc).__name__)
        return
    record("password_reset_requested", user=user)


@bp.get("/reset-password/<token>")
@public
def reset_password(token: str):
    user, problem = reset.user_for_token(token)
    if user is None:
        return render_template("auth/reset_invalid.html", problem=problem), 400
    session["reset_token"] = token
    return redirect(url_for("auth.new_password"))


@bp.route("/reset-password", methods=["GET", "POST"])
@public
@throttled
def new_password():
    user, problem = reset.user_for_token(session.get("reset_token", ""))
    if user is None:
        session.pop("reset_token", None)
        return render_template("auth/reset_invalid.html", problem=problem), 400
    form = NewPasswordForm()
    if form.validate_on_submit():
        problem = policy_problem(form.password.data, context_words(user))
        if problem is None:
            return _reset_done(user, form.password.data)
        form.password.errors.append(problem)
    return render_template("auth/new_password.html", form=form)


def _reset_done(user: User, password: str):
    user.password_hash = hash_password(password)
    user.password_changed_at = timeutil.utcnow()
    lockout.clear(user)
    end_other_sessions(user)
    db.session.commit()
    session.clear()  # whoever was signed in on this browser is signed out too
    record("password_reset", user=user)
    flash("Your password has been changed. Sign in with your new password.", "success")
    return redirect(url_for("auth.login"))
