"""Your account: details, live sessions, password and authenticator app."""

from __future__ import annotations

import re

from flask import current_app, flash, redirect, render_template, session, url_for
from flask_login import current_user
from sqlalchemy import select

from core import timeutil
from core.auth import lockout, mfa, signin
from core.auth.forms import ChangePasswordForm, ConfirmPasswordForm
from core.auth.passwords import hash_password, policy_problem, verify_password
from core.auth.sessions import current_session_id, end_other_sessions, end_session
from core.auth.views import bp, throttled
from core.extensions import db
from core.identity.access import can, login_required
from core.identity.models import User, UserSession
from core.identity.roles import ROLES
from core.identity.security_log import record
from core.notifications.preferences import CHOICES, delivery_for

REAUTH_FOR_SECONDS = 5 * 60
BROWSERS = (("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
            ("Safari/", "Safari"))
SYSTEMS = (("Windows", "Windows"), ("iPhone", "iPhone"), ("iPad", "iPad"),
           ("Android", "Android"), ("Mac OS", "Mac"), ("Linux", "Linux"))


@bp.app_template_filter("browser_summary")
def browser_summary(user_agent: str | None) -> str:
    """'Firefox on Windows' from a user-agent string, for people to recognise their sessions."""
    text = user_agent or ""
    browser = next((name for mark, name in BROWSERS if mark in text), "Unknown browser")
    system = next((name for mark, name in SYSTEMS if mark in text), None)
    return f"{browser} on {system}" if system else browser


@bp.get("/account")
@login_required
def account():
    user = current_user._get_current_object()
    return render_template(
        "auth/account.html", user=user, roles=_roles(user), sessions=_live_sessions(user),
        this_session=current_session_id(), recovery_left=mfa.recovery_codes_left(user),
        notification_choice=CHOICES[delivery_for(user)],
        may_use_api=can("api.use", user=user),
    )


def _roles(user: User) -> list[str]:
    """Each role as "Team manager, Assessment"."""
    labels = []
    for m in user.memberships:
        place = m.team or m.agency or m.partnership
        label = ROLES[m.role].label if m.role in ROLES else m.role
        labels.append(f"{label}, {place.name}" if place else label)
    return labels


def _live_sessions(user: User) -> list[UserSession]:
    """The user's sessions that would still be accepted now (own rows only)."""
    now, cfg = timeutil.utcnow(), current_app.config
    return list(db.session.scalars(
        select(UserSession)
        .where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None),
               UserSession.last_seen_at > now - cfg["IDLE_TIMEOUT"],
               UserSession.created_at > now - cfg["ABSOLUTE_TIMEOUT"])
        .order_by(UserSession.last_seen_at.desc())
    ))


@bp.post("/account/sessions/end-others", endpoint="end_other_sessions")
@login_required
def end_others():
    user = current_user._get_current_object()
    ended = end_other_sessions(user, keep=current_session_id())
    db.session.commit()
    record("sessions_ended", user=user, detail=str(ended))
    flash("You have signed out of all your other sessions", "success")
    return redirect(url_for("auth.account"))


def context_words(user: User) -> tuple[str, ...]:
    """Words a password must not lean on: the person's names, address and the service."""
    text = " ".join([user.name or "", (user.email or "").split("@")[0],
                     current_app.config["SERVICE_NAME"]])
    return tuple(w for w in re.split(r"[^a-zA-Z]+", text) if w)


def _check_current_password(user: User, password: str) -> str:
    """"ok", "wrong", "just_locked" (this guess reached the limit) or "locked" (before it).

    Wrong guesses count towards the account lock, as at sign-in, so a session left open
    cannot be used to guess the password.
    """
    right = verify_password(user.password_hash, password)
    if lockout.is_locked(user):
        return "locked"
    if right:
        return "ok"
    return "just_locked" if signin.note_failure(user, "reauth_failed") else "wrong"


def _refused(outcome: str, field, wrong_message: str):
    """Put the refusal on the field; the session that reached the lock is signed out."""
    if outcome == "just_locked":
        end_session()
        db.session.commit()
        flash(f"There have been too many wrong passwords. Try again in {_lock_minutes()} "
              "minutes.")
        return redirect(url_for("auth.login"))
    if outcome == "locked":
        field.errors.append(f"There have been too many wrong passwords. Try again in "
                            f"{_lock_minutes()} minutes")
    else:
        field.errors.append(wrong_message)
    return None


def _lock_minutes() -> int:
    return current_app.config["LOGIN_LOCK_MINUTES"]


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@throttled
def change_password():
    user = current_user._get_current_object()
    form = ChangePasswordForm()
    if form.validate_on_submit():
        outcome = _check_current_password(user, form.current.data)
        if outcome == "ok":
            problem = policy_problem(form.password.data, context_words(user))
            if problem is None:
                return _password_changed(user, form.password.data)
            form.password.errors.append(problem)
        elif response := _refused(outcome, form.current, "Your current password is not correct"):
            return response
    return render_template("auth/change_password.html", form=form)


def _password_changed(user: User, password: str):
    user.password_hash = hash_password(password)
    user.password_changed_at = timeutil.utcnow()
    lockout.clear(user)
    ended = end_other_sessions(user, keep=current_session_id())
    db.session.commit()
    record("password_changed", user=user, detail=f"other_sessions_ended={ended}")
    flash("Your password has been changed. You have been signed out of your other sessions.",
          "success")
    return redirect(url_for("auth.account"))


def recently_confirmed() -> bool:
    """Whether the signed-in person typed their password in the last few minutes."""
    at = session.get("reauth_at")
    return at is not None and timeutil.utcnow().timestamp() - float(at) <= REAUTH_FOR_SECONDS


@bp.route("/account/confirm-password", methods=["GET", "POST"])
@login_required
@throttled
def confirm_password():
    """Asked before setting up the authenticator app again."""
    user = current_user._get_current_object()
    form = ConfirmPasswordForm()
    if form.validate_on_submit():
        outcome = _check_current_password(user, form.password.data)
        if outcome == "ok":
            session["reauth_at"] = timeutil.utcnow().timestamp()
            return redirect(url_for("auth.mfa_setup"))
        if response := _refused(outcome, form.password, "Your password is not correct"):
            return response
    return render_template("auth/confirm_password.html", form=form)
