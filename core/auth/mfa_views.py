"""The second step of sign-in: a code from an authenticator app, or setting one up.

Setting up is also how a signed-in person replaces their authenticator (after typing their
password again). The secret being set up waits, encrypted, in the cookie until a code proves
the app has it; only then is it stored (encrypted) on the account.
"""

from __future__ import annotations

import json

from flask import current_app, flash, redirect, render_template, session, url_for
from flask_login import current_user

from core.auth import lockout, mfa, pending, secretbox, signin
from core.auth.account_views import recently_confirmed
from core.auth.forms import CodeForm, EnrolForm
from core.auth.sessions import current_session_id, end_other_sessions
from core.auth.views import bp, throttled
from core.extensions import db
from core.identity.access import login_required, public
from core.identity.models import User
from core.identity.security_log import record

ENROL = b"mfa-enrol"
DISPLAY = b"recovery-codes-display"
WRONG_CODE = "The code is not correct. Check your authenticator app and try again"


def _start_again():
    pending.clear()
    flash("Sign in to continue. For your security, a sign-in has 5 minutes to be completed.")
    return redirect(url_for("auth.login"))


def _locked_out():
    pending.clear()
    minutes = current_app.config["LOGIN_LOCK_MINUTES"]
    flash(f"There have been too many wrong codes. Try again in {minutes} minutes.")
    return redirect(url_for("auth.login"))


@bp.route("/sign-in/code", methods=["GET", "POST"], endpoint="mfa")
@public
@throttled
def enter_code():
    user = pending.pending_user()
    if user is None:
        return _start_again()
    if not user.mfa_enabled:
        return redirect(url_for("auth.mfa_setup"))
    if lockout.is_locked(user):
        return _locked_out()
    form = CodeForm()
    if form.validate_on_submit():
        events = _check_code(user, form.code.data)
        if events:
            return _signed_in_with_code(user, events)
        if signin.note_failure(user, "mfa_failed"):
            return _locked_out()
        form.code.errors.append(WRONG_CODE)
    return render_template("auth/mfa.html", form=form)


def _check_code(user: User, code: str) -> tuple[str, ...]:
    """The events to record if `code` is a valid TOTP or recovery code; empty if neither."""
    if mfa.verify_code(user, code):
        return ("mfa_succeeded",)
    if mfa.looks_like_recovery_code(code) and mfa.use_recovery_code(user, code):
        return ("recovery_code_used", "mfa_succeeded")
    return ()


def _signed_in_with_code(user: User, events: tuple[str, ...]):
    target = signin.complete(user, *events)
    if "recovery_code_used" in events:
        left = mfa.recovery_codes_left(user)
        flash(f"You used a recovery code. You have {left} left. If you no longer have your "
              "authenticator app, set it up again from your account page.")
    return redirect(target)


@bp.route("/sign-in/set-up-code", methods=["GET", "POST"])
@public
@throttled
def mfa_setup():
    if current_user.is_authenticated:
        if not recently_confirmed():
            return redirect(url_for("auth.confirm_password"))
        return _enrol(current_user._get_current_object(), signed_in=True)
    user = pending.pending_user()
    if user is None:
        return _start_again()
    if user.mfa_enabled:  # the existing factor must be used; setting up anew needs it first
        return redirect(url_for("auth.mfa"))
    return _enrol(user, signed_in=False)


def _candidate_secret(user: User) -> str:
    """The secret on offer: the same one across reloads, until it is confirmed."""
    sealed = session.get("enrol_secret")
    if sealed:
        try:
            return secretbox.open_sealed(sealed, user.id, ENROL)
        except secretbox.SecretUnreadable:
            pass
    secret = mfa.new_secret()
    session["enrol_secret"] = secretbox.seal(secret, user.id, ENROL)
    return secret


def _enrol(user: User, signed_in: bool):
    secret = _candidate_secret(user)
    form = EnrolForm()
    if form.validate_on_submit():
        step = mfa.matching_step(secret, form.code.data)
        if step is not None:
            return _enrolled(user, secret, step, signed_in)
        record("mfa_failed", user=user, detail="enrolment")
        form.code.errors.append(WRONG_CODE)
    return render_template(
        "auth/mfa_setup.html", form=form, signed_in=signed_in,
        secret=mfa.grouped(secret), qr=mfa.qr_svg(mfa.provisioning_uri(secret, user.email)),
    )


def _enrolled(user: User, secret: str, step: int, signed_in: bool):
    codes = mfa.enrol(user, secret, step)
    session.pop("enrol_secret", None)
    if signed_in:
        end_other_sessions(user, keep=current_session_id())
        db.session.commit()
        record("mfa_enrolled", user=user)
        target = url_for("auth.account")
    else:
        target = signin.complete(user, "mfa_enrolled")
    session["recovery_display"] = secretbox.seal(json.dumps(codes), user.id, DISPLAY)
    session["recovery_next"] = target
    return redirect(url_for("auth.recovery_codes"))


@bp.get("/sign-in/recovery-codes")
@login_required
def recovery_codes():
    """Shows the new recovery codes once: they leave the cookie as the page is built."""
    sealed = session.pop("recovery_display", None)
    target = pending.safe_next(session.pop("recovery_next", None)) or url_for("core.home")
    if not sealed:
        return redirect(url_for("auth.account"))
    codes = json.loads(secretbox.open_sealed(sealed, current_user.id, DISPLAY))
    return render_template("auth/recovery_codes.html", codes=codes, next_url=target)
