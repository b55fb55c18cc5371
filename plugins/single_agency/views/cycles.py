"""The QA team's pages: cycles, drawing a sample, reviewing and sending allocations."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, request, url_for
from sqlalchemy.orm import selectinload

from core.toolkit import COHORTS, Team, db, permission_required, scoped
from plugins.single_agency import clock
from plugins.single_agency import cycles as service
from plugins.single_agency.allocation import candidates, conflicts, quota_table
from plugins.single_agency.blueprint import bp
from plugins.single_agency.models import Audit, Cycle, Programme
from plugins.single_agency.sampling import Criteria
from plugins.single_agency.settings import MONTHS, last_working_day
from plugins.single_agency.views.common import me, page, rng, status_for

NEW_KINDS = [(k, v) for k, v in service.KINDS.items() if k not in ("monthly", "practice_week")]


def programmes() -> list[Programme]:
    return list(db.session.scalars(scoped(Programme, "single_agency.qa")
                                   .options(selectinload(Programme.agency))))


def programme_or_404(programme_id: str | int | None) -> Programme:
    found = next((p for p in programmes() if str(p.id) == str(programme_id)), None)
    if found is None:
        abort(404)
    return found


def cycle_or_404(cycle_id: int) -> Cycle:
    cycle = db.session.scalar(scoped(Cycle, "single_agency.qa").where(Cycle.id == cycle_id))
    if cycle is None:
        abort(404)
    return cycle


@bp.get("/cycles")
@permission_required("single_agency.qa")
def cycles():
    found = list(db.session.scalars(scoped(Cycle, "single_agency.qa").order_by(
        Cycle.opens_on.desc(), Cycle.id.desc()).limit(60)))
    return page("cycles.html", cycles=found, programmes=programmes(), kinds=service.KINDS)


@bp.post("/cycles/draw")
@permission_required("single_agency.qa")
def draw():
    programme = programme_or_404(request.form.get("programme"))
    today = clock.today()
    try:
        cycle, drawn = service.draw_monthly(programme, today.year, today.month, rng(), by=me())
    except service.CycleInvalid as exc:
        db.session.rollback()
        flash(" ".join(exc.errors.values()))
        return redirect(url_for("single_agency.cycles"))
    if cycle is None:
        db.session.rollback()
        flash(f"{MONTHS[today.month - 1]} is not a cycle month in this programme.")
        return redirect(url_for("single_agency.cycles"))
    db.session.commit()
    if not drawn:
        flash(f"{cycle.title} had already been drawn.")
    return redirect(url_for("single_agency.cycle", cycle_id=cycle.id))


def _new_context(values: dict, errors: dict) -> dict:
    teams = db.session.scalars(scoped(Team, "single_agency.qa").order_by(Team.name)).all()
    return {"values": values, "errors": errors, "programmes": programmes(), "kinds": NEW_KINDS,
            "cohorts": list(COHORTS.items()), "teams": teams}


@bp.route("/cycles/new", methods=["GET", "POST"])
@permission_required("single_agency.qa")
def new_cycle():
    if request.method == "GET":
        due = last_working_day(clock.today().year, clock.today().month)
        return page("cycle_new.html", **_new_context({"due": due}, {}))
    values, errors = _read_new(request.form)
    if not errors:
        try:
            cycle = service.create_cycle(
                values["programme"], values["kind"], values["title"], values["due"], rng(),
                me(), theme=values["theme"], criteria=values["criteria"],
                case_code=values["case_code"])
            db.session.commit()
            return redirect(url_for("single_agency.cycle", cycle_id=cycle.id))
        except service.CycleInvalid as exc:
            db.session.rollback()
            errors = exc.errors
    return page("cycle_new.html", status_for(errors), **_new_context(values, errors))


def _read_new(form) -> tuple[dict, dict[str, str]]:
    errors: dict[str, str] = {}
    found = next((p for p in programmes() if str(p.id) == form.get("programme", "")), None)
    if found is None:
        errors["programme"] = "Select the council"
    kind = form.get("kind", "")
    if kind not in dict(NEW_KINDS):
        errors["kind"] = "Select the kind of audit"
    title = (form.get("title") or "").strip()[:200]
    if not title:
        errors["title"] = "Enter a title, for example Neglect themed audit"
    due = _due(form, errors)
    criteria = Criteria(cohorts=[c for c in form.getlist("cohorts") if c in COHORTS],
                        team_ids=[int(t) for t in form.getlist("teams") if t.isdigit()],
                        size=_positive(form, "size", errors),
                        percent=_positive(form, "percent", errors, 100))
    if kind in ("themed", "dip_sample", "service_request") and not (criteria.size
                                                                  or criteria.percent):
        errors["size"] = "Enter how many cases, or what percentage of the matching cases"
    return {"programme": found, "kind": kind, "title": title, "due": due,
            "theme": (form.get("theme") or "").strip() or None, "criteria": criteria,
            "case_code": (form.get("case_code") or "").strip(), "form": form}, errors


def _positive(form, name: str, errors: dict[str, str], most: int = 200) -> int | None:
    raw = (form.get(name) or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or not 1 <= int(raw) <= most:
        errors[name] = f"Enter a whole number from 1 to {most}"
        return None
    return int(raw)


def _due(form, errors: dict[str, str]) -> date | None:
    try:
        due = date(int(form.get("due-year", "")), int(form.get("due-month", "")),
                   int(form.get("due-day", "")))
    except ValueError:
        errors["due"] = "Enter the date the audits are due, like 30 6 2026"
        return None
    if due <= clock.today():
        errors["due"] = "The due date must be in the future"
    return due


@bp.get("/cycles/<int:cycle_id>")
@permission_required("single_agency.qa")
def cycle(cycle_id: int):
    return _show(cycle_or_404(cycle_id), {})


def _show(cycle: Cycle, errors: dict):
    audits = [a for a in cycle.audits if a.state != "cancelled"]
    pool = candidates(cycle.programme, cycle) if cycle.status == "draft" else []
    choices = {a.id: [c.user for c in pool if not conflicts(c.user.id, a)] for a in audits
               if a.state == "proposed"}
    return page("cycle.html", status_for(errors), cycle=cycle, audits=audits, choices=choices,
                quotas=quota_table(cycle.programme, cycle), errors=errors)


def _proposed_audit(cycle: Cycle) -> Audit:
    audit_id = request.form.get("audit", "")
    audit = next((a for a in cycle.audits if str(a.id) == audit_id), None)
    if audit is None:
        abort(404)
    return audit


def _done(cycle: Cycle, message: str):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("single_agency.cycle", cycle_id=cycle.id))


def _refused(cycle_id: int, exc: service.CycleInvalid):
    db.session.rollback()
    return _show(cycle_or_404(cycle_id), exc.errors)


@bp.post("/cycles/<int:cycle_id>/auditor")
@permission_required("single_agency.qa")
def choose_auditor(cycle_id: int):
    cycle = cycle_or_404(cycle_id)
    audit = _proposed_audit(cycle)
    auditor = next((c.user for c in candidates(cycle.programme, cycle)
                    if str(c.user.id) == request.form.get("auditor", "")), None)
    if auditor is None:
        return _show(cycle, {f"auditor-{audit.id}": "Select an auditor from the list"})
    try:
        service.set_auditor(audit, auditor)
    except service.CycleInvalid as exc:
        return _refused(cycle_id, exc)
    return _done(cycle, f"{audit.reference} will go to {auditor.name}")


@bp.post("/cycles/<int:cycle_id>/remove")
@permission_required("single_agency.qa")
def remove_audit(cycle_id: int):
    cycle = cycle_or_404(cycle_id)
    audit = _proposed_audit(cycle)
    code = audit.case.code
    try:
        service.remove(audit)
    except service.CycleInvalid as exc:
        return _refused(cycle_id, exc)
    return _done(cycle, f"Case {code} taken out of the sample")


@bp.post("/cycles/<int:cycle_id>/add")
@permission_required("single_agency.qa")
def add_case(cycle_id: int):
    cycle = cycle_or_404(cycle_id)
    try:
        audit = service.add_case(cycle.programme, cycle, request.form.get("case_code", ""),
                                 rng())
    except service.CycleInvalid as exc:
        return _refused(cycle_id, exc)
    return _done(cycle, f"Case {audit.case.code} added to the sample")


@bp.post("/cycles/<int:cycle_id>/send")
@permission_required("single_agency.qa")
def send(cycle_id: int):
    cycle = cycle_or_404(cycle_id)
    try:
        sent = service.send(cycle, me())
    except service.CycleInvalid as exc:
        return _refused(cycle_id, exc)
    return _done(cycle, f"{len(sent)} allocations sent to the auditors")

