"""An observation's pages: request one outside a practice week, read it, record consent,
write the record, send the written feedback, reflect, and agree development actions."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for

from core.toolkit import (
    TransitionRefused,
    actions_for,
    can,
    db,
    permission_required,
    visible_agencies,
)
from plugins.practice_week import observations as service
from plugins.practice_week import schedule
from plugins.practice_week.access import find_observation, may_read_file, me
from plugins.practice_week.forms import Invalid, date_parts
from plugins.practice_week.models import Observation
from plugins.practice_week.permissions import OBSERVE, PLAN, REFLECT, REQUEST, VIEW
from plugins.practice_week.views import bp, conflict, invalid
from plugins.practice_week.views.weeks import _schedule_page
from plugins.practice_week.vocab import GRADE_CHOICES, REFLECTION, YES_NO


@bp.route("/observations/request", methods=["GET", "POST"])
@permission_required(REQUEST)
def request_observation():
    """An annual or ASYE observation outside a practice week, asked for by a manager."""
    agency = db.session.scalars(visible_agencies(REQUEST)).first()
    if agency is None:
        abort(404)
    page = {**_schedule_page(None, agency.id), "agency": agency}
    if request.method == "GET":
        return render_template("practice_week/schedule_form.html", errors={}, form={}, **page)
    try:
        obs = schedule.schedule(agency.id, agency.partnerships[0].id, None, request.form, me())
    except Invalid as exc:
        return invalid("practice_week/schedule_form.html", exc.errors, form=request.form,
                       **page)
    db.session.commit()
    flash(f"Observation {obs.reference} is arranged and both people have been told.",
          "success")
    return redirect(url_for("practice_week.observation", observation_id=obs.id))


def observation_page(obs: Observation, errors: dict[str, str] | None = None,
                     form: Any = None) -> dict[str, Any]:
    user = me()
    tool = schedule.tool_of(obs)
    return {
        "obs": obs, "errors": errors or {}, "form": form or {}, "tool": tool,
        "titles": {d.code: d.title for d in tool.domains} if tool else {},
        "is_observer": user.id == obs.observer_id,
        "is_practitioner": user.id == obs.practitioner_id,
        "may_consent": _may_consent(obs),
        "may_cancel": obs.state == "scheduled" and can(PLAN, obs),
        "may_act": service.may_raise_action(obs, user),
        "missing": service.missing_parts(obs), "reflection": REFLECTION,
        "actions": actions_for(service.ACTIVITY, obs.reference, user=user),
        "on_time": service.feedback_on_time(obs),
        "may_read_file": may_read_file(obs.practitioner_id, user),
    }


@bp.get("/observations/<int:observation_id>")
@permission_required(VIEW)
def observation(observation_id: int):
    return render_template("practice_week/observation.html",
                           **observation_page(find_observation(observation_id)))


def _may_consent(obs: Observation) -> bool:
    user = me()
    return obs.with_family_event and obs.state == "scheduled" and (
        user.id in (obs.observer_id, obs.practitioner_id) or can(PLAN, obs))


@bp.route("/observations/<int:observation_id>/consent", methods=["GET", "POST"])
@permission_required(VIEW)
def consent(observation_id: int):
    obs = find_observation(observation_id)
    if not _may_consent(obs):
        abort(403)
    if request.method == "GET":
        form = date_parts(obs.written_consent_on, "written_consent_on")
        return render_template("practice_week/consent.html", obs=obs, errors={}, form=form)
    try:
        service.record_consent(obs, request.form, me())
    except Invalid as exc:
        return invalid("practice_week/consent.html", exc.errors, obs=obs, form=request.form)
    db.session.commit()
    flash("The family's written consent is recorded. Ask them to confirm it on the day.",
          "success")
    return redirect(url_for("practice_week.observation", observation_id=obs.id))


def _refused(obs: Observation, refused: TransitionRefused):
    db.session.rollback()
    if refused.kind == "conflict":
        return conflict()
    fresh = db.session.get(Observation, obs.id)
    return render_template("practice_week/observation.html",
                           **observation_page(fresh, {"state": refused.reason})), 400


def _stored_record(obs: Observation) -> dict[str, Any]:
    form: dict[str, Any] = {name: getattr(obs, name) or "" for name in (
        "situation", "aim", "those_present", "positives", "development", "reflection_ability")}
    form.update(date_parts(obs.observed_on, "observed_on"))
    form.update(date_parts(obs.verbal_feedback_on, "verbal_feedback_on"))
    form["standards"] = list(obs.feedback or {})
    for code, given in (obs.feedback or {}).items():
        form[f"grade_{code}"], form[f"evidence_{code}"] = given["grade"], given["evidence"]
    if obs.with_family is not None:
        form["with_family"] = "yes" if obs.with_family else "no"
    if obs.verbal_consent is not None:
        form["verbal_consent"] = "yes" if obs.verbal_consent else "no"
    return form


@bp.route("/observations/<int:observation_id>/record", methods=["GET", "POST"])
@permission_required(OBSERVE)
def record(observation_id: int):
    obs = find_observation(observation_id)
    if obs.observer_id != me().id:
        abort(403)
    if obs.state not in ("scheduled", "feedback_due"):
        return redirect(url_for("practice_week.observation", observation_id=obs.id))
    tool = schedule.tool_of(obs)
    page = {"obs": obs, "tool": tool, "grades": GRADE_CHOICES, "yes_no": YES_NO}
    if request.method == "GET":
        return render_template("practice_week/record.html", errors={},
                               form=_stored_record(obs), **page)
    try:
        service.record(obs, request.form, me())
    except Invalid as exc:
        return invalid("practice_week/record.html", exc.errors, form=request.form, **page)
    except TransitionRefused as refused:
        return _refused(obs, refused)
    db.session.commit()
    flash("The observation record is saved. Send the written feedback within two weeks.",
          "success")
    return redirect(url_for("practice_week.observation", observation_id=obs.id))


@bp.post("/observations/<int:observation_id>/share")
@permission_required(OBSERVE)
def share(observation_id: int):
    obs = find_observation(observation_id)
    try:
        service.share_feedback(obs, request.form, me())
    except TransitionRefused as refused:
        return _refused(obs, refused)
    db.session.commit()
    flash("The written feedback is sent. The practitioner has been asked to reflect.",
          "success")
    return redirect(url_for("practice_week.observation", observation_id=obs.id))


@bp.route("/observations/<int:observation_id>/reflect", methods=["GET", "POST"])
@permission_required(REFLECT)
def reflect(observation_id: int):
    obs = find_observation(observation_id)
    if obs.practitioner_id != me().id:
        abort(403)
    if obs.state != "reflection_due":
        return redirect(url_for("practice_week.observation", observation_id=obs.id))
    page = {"obs": obs, "reflection": REFLECTION}
    if request.method == "GET":
        return render_template("practice_week/reflect.html", errors={}, form={}, **page)
    try:
        service.reflect(obs, request.form, me())
    except Invalid as exc:
        return invalid("practice_week/reflect.html", exc.errors, form=request.form, **page)
    except TransitionRefused as refused:
        return _refused(obs, refused)
    db.session.commit()
    flash("Your reflection is added. The observation is complete.", "success")
    return redirect(url_for("practice_week.observation", observation_id=obs.id))


@bp.post("/observations/<int:observation_id>/actions")
@permission_required(VIEW)
def raise_action(observation_id: int):
    obs = find_observation(observation_id)
    if not service.may_raise_action(obs, me()):
        abort(403)
    try:
        action = service.raise_development_action(obs, request.form, me())
    except Invalid as exc:
        db.session.rollback()
        return render_template("practice_week/observation.html",
                               **observation_page(obs, exc.errors, request.form)), 400
    db.session.flush()
    reference = action.reference
    db.session.commit()
    flash(f"Action {reference} is agreed and the practitioner has been told.", "success")
    return redirect(url_for("practice_week.observation", observation_id=obs.id))


@bp.post("/observations/<int:observation_id>/cancel")
@permission_required(PLAN)
def cancel(observation_id: int):
    obs = find_observation(observation_id)
    try:
        service.cancel(obs, request.form, me())
    except Invalid as exc:
        db.session.rollback()
        return render_template("practice_week/observation.html",
                               **observation_page(obs, exc.errors, request.form)), 400
    except TransitionRefused as refused:
        return _refused(obs, refused)
    db.session.commit()
    flash(f"Observation {obs.reference} is cancelled and both people have been told.",
          "success")
    return redirect(url_for("practice_week.observation", observation_id=obs.id))
