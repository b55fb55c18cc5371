"""Audit pages: the audit list, a new annual audit, an ad hoc audit, grading, actions.

Planning and allocating is for `lado.plan` holders (the partnership coordinator by default);
an audit page is open to its auditor, to planners of the partnership and to those who may open
every referral of it (LADO, manager, coordinator). Only the auditor grades, and only while the
audit is open. Actions to agencies (a school's HR process, say) go to core's action tracker.
"""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from core.toolkit import (
    GRADES,
    NOT_APPLICABLE,
    ActionInvalid,
    ActionSource,
    Agency,
    Partnership,
    actions_for,
    current_user,
    db,
    permission_required,
    raise_action,
    require,
)
from plugins.lado import audits as service
from plugins.lado import timeliness, vocab
from plugins.lado.access import (
    PLAN,
    VIEW,
    find_referral,
    log,
    log_listed,
    may_reveal_adult,
    partnerships_with,
    whole_register,
)
from plugins.lado.config import SAMPLE_MODES, settings_for
from plugins.lado.models import LadoAudit, LadoAuditCycle
from plugins.lado.referrals import parse_date
from plugins.lado.views import MARKING, bp, chosen_partnership, me, my_partnerships

ACTION_PRIORITIES = {"normal": "Normal", "safeguarding": "Safeguarding (short clock)"}


def _may_see(audit: LadoAudit) -> bool:
    user = current_user
    return (audit.auditor_id == user.id or audit.partnership_id in partnerships_with(PLAN)
            or audit.partnership_id in whole_register(user))


def find_audit(reference: str) -> LadoAudit:
    require(VIEW)
    audit = db.session.scalar(select(LadoAudit).where(
        LadoAudit.reference == reference.strip().upper()))
    if audit is None or not _may_see(audit):
        abort(404)
    return audit


# --- Lists --------------------------------------------------------------------------------


@bp.get("/audits/")
@permission_required(VIEW)
def audits():
    planned = partnerships_with(PLAN)
    everything = planned | whole_register(current_user)
    mine = db.session.scalars(select(LadoAudit).where(LadoAudit.auditor_id == current_user.id)
                              .order_by(LadoAudit.status, LadoAudit.allocated_at.desc())).all()
    others = db.session.scalars(select(LadoAudit).where(
        LadoAudit.partnership_id.in_(everything), LadoAudit.auditor_id != current_user.id)
        .order_by(LadoAudit.allocated_at.desc()).limit(200)).all()
    cycles = db.session.scalars(select(LadoAuditCycle).where(
        LadoAuditCycle.partnership_id.in_(everything)).order_by(LadoAuditCycle.created_at.desc())).all()
    html = render_template("lado/audits.html", mine=mine, others=others, cycles=cycles,
                           may_plan=bool(planned), protective_marking=MARKING)
    log_listed((a.referral for a in [*mine, *others]), "audit list")
    db.session.commit()
    return html


# --- Annual audit ---------------------------------------------------------------------------


def _cycle_page(values: dict, errors: dict, status: int = 200):
    options = my_partnerships(PLAN)
    partnership = chosen_partnership(options, values.get("partnership"))
    auditors = {p.id: service.eligible_auditors(p) for p in options}
    return render_template(
        "lado/cycle_new.html", values=values, errors=errors, options=options,
        partnership=partnership, auditors=auditors, modes=list(SAMPLE_MODES.items()),
        partnership_choices=[("", "Select a partnership"),
                             *((str(p.id), p.name) for p in options)],
        picked=[int(i) for i in request.form.getlist("auditors") if i.isdigit()],
        protective_marking=MARKING), status


def _default_cycle_values(options: list[Partnership]) -> dict[str, str]:
    today = timeliness.today()
    first = today.year - 1 if today.month >= 4 else today.year - 2
    values = {"title": f"LADO annual audit {first}-{str(first + 1)[2:]}",
              "period_start": f"01/04/{first}", "period_end": f"31/03/{first + 1}"}
    if len(options) == 1:
        s = settings_for(options[0].id)
        values.update(partnership=str(options[0].id), sample_mode=s.sample_mode,
                      sample_value=str(s.sample_value))
    return values


@bp.route("/audits/annual/new", methods=["GET", "POST"])
@permission_required(PLAN)
def new_cycle():
    options = my_partnerships(PLAN)
    if request.method == "GET":
        return _cycle_page(_default_cycle_values(options), {})
    values = {k: request.form.get(k, "").strip() for k in
              ("partnership", "title", "period_start", "period_end", "sample_mode",
               "sample_value")}
    errors: dict[str, str] = {}
    partnership = chosen_partnership(options, values["partnership"])
    if partnership is None:
        errors["partnership"] = "Select the partnership"
    mode, value = _sample(values, errors)
    start, end = _day(values, "period_start", errors), _day(values, "period_end", errors)
    ids = [int(i) for i in request.form.getlist("auditors") if i.isdigit()]
    if partnership is not None:
        errors = {**service.cycle_errors(partnership, values["title"], start, end, ids), **errors}
    if errors:
        return _cycle_page(values, errors, 400)
    try:
        cycle = service.start_cycle(partnership, values["title"], start, end, mode, value, ids,
                                    me())
        db.session.commit()
    except service.AuditInvalid as exc:
        db.session.rollback()
        return _cycle_page(values, exc.errors, 400)
    flash(f"{len(cycle.audits)} referrals sampled and allocated", "success")
    return redirect(url_for("lado.cycle", reference=cycle.reference))


def _day(values: dict, name: str, errors: dict) -> date | None:
    text = values[name]
    day = parse_date(text) if text else None
    if text and day is None:
        errors[name] = "Enter a real date, like 31/3/2026"
    return day


def _sample(values: dict, errors: dict) -> tuple[str, int]:
    mode = values["sample_mode"]
    if mode not in SAMPLE_MODES:
        errors["sample_mode"] = "Select how the sample is sized"
    raw = values["sample_value"]
    top = 100 if mode == "percentage" else 10_000
    if not raw.isdigit() or not 1 <= int(raw) <= top:
        errors["sample_value"] = f"Enter a whole number from 1 to {top}"
        return mode, 0
    return mode, int(raw)


@bp.get("/audits/annual/<reference>")
@permission_required(PLAN)
def cycle(reference: str):
    row = db.session.scalar(select(LadoAuditCycle).where(LadoAuditCycle.reference == reference))
    if row is None or row.partnership_id not in partnerships_with(PLAN):
        abort(404)
    by_sector: dict[str, int] = {}
    for audit in row.audits:
        by_sector[audit.referral.sector] = by_sector.get(audit.referral.sector, 0) + 1
    html = render_template("lado/cycle.html", cycle=row, by_sector=by_sector,
                           sectors=vocab.SECTORS, protective_marking=MARKING)
    log_listed((a.referral for a in row.audits), f"annual audit {row.reference}")
    db.session.commit()
    return html


# --- Ad hoc audit ---------------------------------------------------------------------------


@bp.route("/referrals/<reference>/audit", methods=["GET", "POST"])
@permission_required(PLAN)
def ad_hoc_audit(reference: str):
    referral = find_referral(reference, "ad hoc audit")
    if referral.partnership_id not in partnerships_with(PLAN):
        abort(404)
    people = [(u, service.conflict(u, referral))
              for u in service.eligible_auditors(referral.partnership)]
    errors: dict[str, str] = {}
    if request.method == "POST":
        raw = request.form.get("auditor", "")
        try:
            audit = service.start_ad_hoc(referral, int(raw) if raw.isdigit() else None,
                                         request.form.get("reason", ""), me())
            db.session.commit()
            flash(f"Audit {audit.reference} allocated", "success")
            return redirect(url_for("lado.audit", reference=audit.reference))
        except service.AuditInvalid as exc:
            db.session.rollback()
            errors = exc.errors
    return render_template("lado/ad_hoc.html", referral=referral, people=people,
                           errors=errors, form=request.form,
                           protective_marking=MARKING), 400 if errors else 200


# --- The audit page -------------------------------------------------------------------------


def _audit_page(audit: LadoAudit, errors: dict | None = None, status: int = 200,
                action_errors: dict | None = None):
    tool = service.tool_of(audit)
    grades = [(g.value, g.label) for g in GRADES]
    actions = actions_for(ActionSource("lado", audit.reference))
    return render_template(
        "lado/audit.html", audit=audit, tool=tool, errors=errors or {},
        action_errors=action_errors or {}, form=request.form if errors else {},
        grades=grades, not_applicable=NOT_APPLICABLE,
        choice_options={q.code: [(c, c) for c in q.choices] for _, q in tool.questions()},
        answers=service.answers_of(audit), domain_grades=service.domain_grades_of(audit),
        grade_labels=dict(grades) | {NOT_APPLICABLE: "Not applicable"},
        steps=timeliness.steps(audit.referral, settings_for(audit.partnership_id)),
        may_grade=audit.is_open and audit.auditor_id == current_user.id,
        may_reveal=may_reveal_adult(current_user, audit.referral),
        may_raise=_may_raise(audit), actions=actions,
        agencies=[("", "Select an agency"), *((str(a.id), a.name)
                                              for a in audit.partnership.agencies)],
        priorities=list(ACTION_PRIORITIES.items()), vocab=vocab,
        protective_marking=MARKING), status


def _may_raise(audit: LadoAudit) -> bool:
    return audit.auditor_id == current_user.id or \
        audit.partnership_id in partnerships_with(PLAN)


@bp.get("/audits/<reference>")
@permission_required(VIEW)
def audit(reference: str):
    audit = find_audit(reference)
    log(audit.referral, "lado_audit_viewed", f"audit {audit.reference}")
    db.session.commit()
    return _audit_page(audit)


@bp.post("/audits/<reference>")
@permission_required(VIEW)
def grade_audit(reference: str):
    audit = find_audit(reference)
    if audit.auditor_id != current_user.id:
        abort(403)
    if request.form.get("version") != str(audit.version):
        return _audit_page(audit, {"audit": "This audit changed while you were working on it. "
                                            "Nothing was saved."}, 409)
    try:
        service.grade(audit, request.form, me())
        db.session.commit()
    except service.AuditInvalid as exc:
        db.session.rollback()
        return _audit_page(audit, exc.errors, 400)
    except StaleDataError:
        db.session.rollback()
        flash("This audit changed at the same moment. Nothing was saved.")
        return redirect(url_for("lado.audit", reference=reference))
    flash(f"Audit {audit.reference} completed", "success")
    return redirect(url_for("lado.audit", reference=audit.reference))


@bp.post("/audits/<reference>/actions")
@permission_required(VIEW)
def raise_audit_action(reference: str):
    """Raise an action to an agency of the partnership (e.g. a school's HR process)."""
    audit = find_audit(reference)
    if not _may_raise(audit):
        abort(403)
    form = request.form
    agency = _agency(audit, form.get("owner_agency", ""))
    errors: dict[str, str] = {}
    due = parse_date(form.get("due_date", "")) if form.get("due_date", "").strip() else None
    if form.get("due_date", "").strip() and due is None:
        errors["due_date"] = "The due date must be a real date, like 30/4/2026"
    try:
        if errors:
            raise ActionInvalid(errors)
        action = raise_action(
            partnership=audit.partnership, what=form.get("what", ""), why=form.get("why", ""),
            owner_agency=agency, due=due, priority=form.get("priority", "normal"),
            source=ActionSource("lado", audit.reference), by=me())
        log(audit.referral, "lado_action_raised", f"audit {audit.reference}; {action.reference}")
        db.session.commit()
    except ActionInvalid as exc:
        db.session.rollback()
        return _audit_page(audit, status=400, action_errors=exc.errors)
    flash(f"Action {action.reference} raised to {agency.name}", "success")
    return redirect(url_for("lado.audit", reference=audit.reference) + "#actions")


def _agency(audit: LadoAudit, raw: str) -> Agency | None:
    return next((a for a in audit.partnership.agencies if str(a.id) == raw.strip()), None)

