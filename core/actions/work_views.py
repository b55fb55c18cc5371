"""Working on an action: progress notes, evidence, completion, sign-off, review, cancelling.

Each page finds the action through `find_visible` first (404 for anyone who cannot see it),
then asks `rules` whether this person may make this move, so a refusal says why. Every save is
one transaction with the action's history entry and the notifications it causes.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy.orm.exc import StaleDataError

from core.actions import rules, service
from core.actions import status as st
from core.actions.models import Action
from core.actions.queries import find_visible
from core.actions.service import ActionInvalid, ActionRefused
from core.actions.views import action_page, bp, me
from core.cases import attachments as files
from core.crypto.keyring import KeyUnavailable
from core.extensions import db
from core.identity.access import can, login_required, permission_required

logger = logging.getLogger("partnership_audit.actions")
CHANGED_MEANWHILE = ("Someone else changed this action while you were working on it. Nothing "
                     "was saved: check the action below and try again.")
FORM_OVERHEAD = 64 * 1024


def _saved(action_id: int, message: str):
    flash(message, "success")
    return redirect(url_for("actions.show", action_id=action_id))


def _commit(action_id: int) -> bool:
    """Commit; False (and a message) if the action changed underneath."""
    try:
        db.session.commit()
        return True
    except StaleDataError:
        db.session.rollback()
        flash(CHANGED_MEANWHILE)
        return False


def _refused(action_id: int, message: str):
    db.session.rollback()
    flash(message)
    return redirect(url_for("actions.show", action_id=action_id))


# --- Progress notes and evidence ----------------------------------------------------------------


@bp.post("/<int:action_id>/notes")
@login_required
def add_note(action_id: int):
    action = find_visible(action_id, me())
    text = request.form.get("note", "")
    try:
        service.add_progress(action, me(), text)
    except ActionRefused as exc:
        return _refused(action_id, exc.message)
    except ActionInvalid as exc:
        db.session.rollback()
        return action_page(action, exc.errors, {"note": text}, 400)
    if not _commit(action_id):
        return action_page(find_visible(action_id, me()), {}, {"note": text}, 409)
    return _saved(action_id, "Progress note added")


def _store_file(action: Action) -> tuple[Any, dict[str, str]]:
    """Keep an uploaded file on the action's case; (the attachment or None, errors)."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return None, {}
    case = action.case
    if case is None or case.destroyed_at is not None or not can("cases.attach", case):
        return None, {"file": "You cannot add files to this action's case"}
    try:
        return files.store(case, upload.filename, upload.stream, me()), {}
    except files.AttachmentTooLarge:
        abort(413)
    except files.AttachmentRefused as exc:
        return None, {"file": exc.message}
    except KeyUnavailable:
        logger.warning("evidence file refused: a key is unavailable")
        return None, {"file": "Files cannot be stored now because an encryption key is not "
                              "available. Tell your administrator."}


def _evidence(action: Action, text: str) -> tuple[dict[str, str], Any]:
    """Record the evidence (and its file); (errors, the stored attachment or None)."""
    refusal = rules.work_refusal(action, me())
    if refusal:
        raise ActionRefused(refusal)
    stored, errors = _store_file(action)
    try:
        service.add_evidence(action, me(), text, stored.id if stored is not None else None)
    except ActionInvalid as exc:
        errors = {**exc.errors, **errors}
    return errors, stored


def _discard(stored: Any) -> None:
    if stored is not None:
        files.discard(stored)


@bp.post("/<int:action_id>/evidence")
@login_required
def add_evidence(action_id: int):
    request.max_content_length = files.max_bytes() + FORM_OVERHEAD
    action = find_visible(action_id, me())
    text = request.form.get("evidence", "")
    try:
        errors, stored = _evidence(action, text)
    except ActionRefused as exc:
        return _refused(action_id, exc.message)
    if errors:
        db.session.rollback()
        _discard(stored)
        return action_page(action, errors, {"evidence": text}, 400)
    try:
        committed = _commit(action_id)
    except Exception:
        db.session.rollback()
        _discard(stored)
        raise
    if not committed:
        _discard(stored)
        return action_page(find_visible(action_id, me()), {}, {"evidence": text}, 409)
    return _saved(action_id, "Evidence added")


# --- Completion, sign-off, review, cancelling ---------------------------------------------------


def _form_page(template: str, action: Action, errors: dict[str, str], typed: dict[str, str],
               **extra: Any):
    return render_template(template, action=action, errors=errors, typed=typed,
                           statuses=st.STATUSES, **extra), 400 if errors else 200


def _step(action_id: int, template: str, refusal, apply, fields: tuple[str, ...], done: str,
          **extra: Any):
    """The shared shape of the completion, sign-off, review and cancel pages."""
    action = find_visible(action_id, me())
    reason = refusal(action, me())
    if reason:
        return _refused(action_id, reason)
    typed = {name: request.form.get(name, "") for name in fields}
    if request.method == "GET":
        return _form_page(template, action, {}, typed, **extra)
    try:
        apply(action, me(), **typed)
    except ActionInvalid as exc:
        db.session.rollback()
        return _form_page(template, action, exc.errors, typed, **extra)
    except ActionRefused as exc:
        return _refused(action_id, exc.message)
    if not _commit(action_id):
        return _form_page(template, find_visible(action_id, me()), {}, typed, **extra)
    return _saved(action_id, done)


def _complete_refusal(action: Action, user: Any) -> str | None:
    if action.status not in st.CAN_COMPLETE and action.status not in st.CLOSED:
        return "This action is already completed and awaiting sign-off."
    return rules.work_refusal(action, user)


@bp.route("/<int:action_id>/complete", methods=["GET", "POST"])
@login_required
def complete(action_id: int):
    return _step(action_id, "actions/complete.html", _complete_refusal, service.complete,
                 ("summary",), "Action completed: your line manager has been asked to sign it off")


@bp.route("/<int:action_id>/sign-off", methods=["GET", "POST"])
@permission_required(rules.SIGN_OFF)
def sign_off(action_id: int):
    return _step(action_id, "actions/sign_off.html", rules.sign_off_refusal, service.sign_off,
                 ("judgement", "reason"), "Your sign-off decision is saved",
                 judgements=list(st.JUDGEMENTS.items()))


@bp.route("/<int:action_id>/review", methods=["GET", "POST"])
@permission_required(rules.REVIEW)
def review(action_id: int):
    return _step(action_id, "actions/review.html", rules.review_refusal, service.record_review,
                 ("outcome", "notes"), "The difference review is saved",
                 outcomes=list(st.OUTCOMES.items()), judgements=st.JUDGEMENT_SHORT)


@bp.route("/<int:action_id>/cancel", methods=["GET", "POST"])
@permission_required(rules.MANAGE)
def cancel(action_id: int):
    return _step(action_id, "actions/cancel.html", rules.cancel_refusal, service.cancel,
                 ("reason",), "Action cancelled")
