"""Case pages: list, code a case, the case page, reveal, withheld information, identity changes.

URLs carry the case code only. Anyone who cannot see a case gets the same 404 as for a code that
does not exist; people who can see it but may not reveal its identity are told so, and the
refusal is logged. Identity appears on the case page only while the viewer's reveal is live.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from core.accesslog.chain import append
from core.cases.attachments import attachments_for
from core.cases.attributes import AGE_BAND_ORDER, COHORTS, ETHNICITIES, SEXES
from core.cases.codes import is_valid
from core.cases.forms import (
    CLEARABLE,
    DISABILITY,
    WITHHELD_BASES,
    CaseForm,
    IdentityForm,
    RevealForm,
    WithheldForm,
)
from core.cases.models import Case, CaseAssignment, WithheldInformation
from core.cases.reveal import (
    REASONS,
    IdentityUnavailable,
    RevealInvalid,
    RevealRefused,
    may_reveal,
    refuse,
    reveal,
    reveal_minutes,
    shown_identity,
)
from core.cases.service import (
    DUPLICATE,
    IDENTITY_LABELS,
    CaseInvalid,
    change_identity,
    clean_attributes,
    clean_identity,
    open_assignments,
    parse_date,
    record_id_index,
    record_id_taken,
    register_case,
)
from core.crypto.keyring import KeyUnavailable
from core.extensions import db
from core.identity.access import (
    can,
    permission_required,
    reach,
    require,
    scoped,
    visible_agencies,
    visible_partnerships,
)
from core.identity.models import Agency, Scope, Team
from core.timeutil import utcnow

bp = Blueprint("cases", __name__, url_prefix="/cases")
logger = logging.getLogger("partnership_audit.cases")
PAGE_SIZE = 50
KEYS_MISSING = ("Cases cannot be coded or changed now because an encryption key is not "
                "available. Tell your administrator.")
NEW_FIELDS = ("partnership", "agency", "name", "date_of_birth", "record_id", "nhs_number",
              "alias", "cohort", "sex", "ethnicity", "disability", "team", "practitioner")


def _me() -> Any:
    return current_user._get_current_object()


def find_case(code: str) -> Case:
    """The case with this code, or 404 (a malformed code never reaches the database)."""
    code = code.strip().upper()
    case = db.session.scalar(select(Case).where(Case.code == code)) if is_valid(code) else None
    if case is None:
        abort(404)
    return case


def can_see(user: Any, case: Case) -> bool:
    return can("cases.view", case, user=user) or bool(open_assignments(user, case))


def require_case(case: Case, permission: str = "cases.view") -> None:
    """404 unless the user reaches the case with `permission` or has an open assignment to it."""
    if not open_assignments(current_user, case):
        require(permission, case)


def visible_cases():
    """Cases the user may see: within their `cases.view` reach, or assigned to them (open)."""
    within = scoped(Case, "cases.view").with_only_columns(Case.id)
    assigned = select(CaseAssignment.case_id).where(
        CaseAssignment.user_id == current_user.id, CaseAssignment.closed_at.is_(None))
    return select(Case).where(or_(Case.id.in_(within), Case.id.in_(assigned)))


def _status(errors: dict[str, str]) -> int:
    return 400 if errors else 200


# --- List -------------------------------------------------------------------------------------


def _list_filter() -> dict[str, str]:
    return {"code": request.args.get("code", "").strip().upper(),
            "cohort": request.args.get("cohort", ""), "team": request.args.get("team", "")}


@bp.get("/")
@permission_required("cases.view")
def index():
    chosen = _list_filter()
    query = visible_cases().options(selectinload(Case.agency), selectinload(Case.team))
    if chosen["code"]:
        query = query.where(Case.code.contains(chosen["code"], autoescape=True))
    if chosen["cohort"] in COHORTS:
        query = query.where(Case.cohort == chosen["cohort"])
    if chosen["team"].isdigit():
        query = query.where(Case.team_id == int(chosen["team"]))
    page = max(request.args.get("page", 1, type=int), 1)
    cases = list(db.session.scalars(query.order_by(Case.created_at.desc(), Case.code)
                                    .limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)))
    teams = db.session.scalars(scoped(Team, "cases.view").order_by(Team.name)).all()
    return render_template(
        "cases/index.html", cases=cases[:PAGE_SIZE], has_next=len(cases) > PAGE_SIZE, page=page,
        chosen=chosen, cohorts=COHORTS, teams=teams, may_register=can("cases.register"),
        query={k: v for k, v in chosen.items() if v},
    )


# --- Coding a case ----------------------------------------------------------------------------


def _new_choices() -> tuple[list, list, dict[str, list[tuple[str, str]]]]:
    """The partnerships and agencies the user codes cases for, and every option list."""
    partnerships = db.session.scalars(visible_partnerships("cases.register")).all()
    agencies = db.session.scalars(visible_agencies("cases.register")).all()
    teams = db.session.scalars(select(Team).where(Team.agency_id.in_([a.id for a in agencies]))
                               .options(selectinload(Team.agency))).all()
    options = {
        "partnership": [("", "Select a partnership"), *((str(p.id), p.name) for p in partnerships)],
        "agency": [("", "Select an agency"), *((str(a.id), a.name) for a in agencies)],
        "team": [("", "Not allocated"), *sorted(
            ((str(t.id), f"{t.agency.name}: {t.name}") for t in teams), key=lambda c: c[1])],
        "cohort": list(COHORTS.items()),
        "sex": list(SEXES.items()),
        "disability": list(DISABILITY.items()),
        "ethnicity": [("", "Not recorded"),
                      *((code, f"{label} ({code})") for code, label in ETHNICITIES.items())],
    }
    return partnerships, agencies, options


def _picked(options: list, value: str | None) -> Any:
    return next((o for o in options if str(o.id) == (value or "")), None)


def _chosen_owner(form: CaseForm, partnerships: list, agencies: list,
                  errors: dict[str, str]) -> tuple[Any, Any]:
    partnership = _picked(partnerships, form.partnership.data)
    if len(partnerships) == 1:
        partnership = partnerships[0]
    agency = _picked(agencies, form.agency.data)
    if partnership is None:
        errors["partnership"] = "Select the partnership"
    if agency is None:
        errors["agency"] = "Select the agency that owns the case"
    elif partnership is not None and not reach(current_user, "cases.register").covers(
            Scope(frozenset({agency.id}), frozenset({partnership.id}))):
        errors["agency"] = "You cannot code cases for this agency in this partnership"
    return partnership, agency


def _register(form: CaseForm, partnerships: list, agencies: list) -> tuple[dict, Case | None]:
    """Code the case from the form; (errors, None) or ({}, the new case)."""
    errors: dict[str, str] = {}
    partnership, agency = _chosen_owner(form, partnerships, agencies, errors)
    dob_error = form.birth_text()[1]
    case = None
    try:
        if errors:  # no owner yet: still report every other field at once
            clean_identity(form.identity(), errors)
            rest = {k: v for k, v in form.attributes().items()
                    if k not in ("team_id", "practitioner")}
            clean_attributes(None, rest, errors)
        else:
            case = register_case(partnership, agency, form.identity(), form.attributes(), _me())
    except CaseInvalid as exc:
        errors.update(exc.errors)
    except KeyUnavailable:
        logger.warning("case coding refused: a key is unavailable")
        errors["keys"] = KEYS_MISSING
    if dob_error:
        errors["date_of_birth"] = dob_error
    return errors, None if errors else case


def _commit_new(case: Case, partnership_id: int, record_id: str) -> dict[str, str]:
    """Commit the new case; a duplicate registered a moment ago by someone else is reported."""
    try:
        db.session.commit()
        return {}
    except IntegrityError:
        db.session.rollback()
        if record_id_taken(partnership_id, record_id_index(partnership_id, record_id)):
            return {"record_id": DUPLICATE}
        return {"keys": "The case could not be saved. Try again."}


@bp.route("/new", methods=["GET", "POST"])
@permission_required("cases.register")
def new():
    form = CaseForm()
    partnerships, agencies, options = _new_choices()
    errors: dict[str, str] = {}
    if request.method == "POST" and form.validate():
        errors, case = _register(form, partnerships, agencies)
        if case is not None:
            code, pid = case.code, case.partnership_id
            errors = _commit_new(case, pid, form.record_id.data)
            if not errors:
                flash(f"Case coded as {code}", "success")
                return redirect(url_for("cases.show", code=code))
    return render_template(
        "cases/new.html", form=form, errors=errors, order=NEW_FIELDS, options=options,
        only_partnership=partnerships[0] if len(partnerships) == 1 else None,
    ), _status(errors)


# --- The case page ----------------------------------------------------------------------------


def _siblings(case: Case) -> list[Case]:
    if case.sibling_group_id is None:
        return []
    return list(db.session.scalars(visible_cases().where(
        Case.sibling_group_id == case.sibling_group_id, Case.id != case.id).order_by(Case.code)))


def _withheld(case: Case) -> list[tuple[WithheldInformation, str]]:
    rows = db.session.execute(
        select(WithheldInformation, Agency.name).join(Agency)
        .where(WithheldInformation.case_id == case.id)
        .order_by(WithheldInformation.recorded_at))
    return [tuple(r) for r in rows]


def _identity_rows(identity: dict[str, str | None] | None) -> list[tuple[str, str | None]]:
    """Label and display value per identity field (dates as people read them)."""
    if not identity:
        return []
    born = parse_date(identity.get("date_of_birth") or "")
    shown = dict(identity, date_of_birth=f"{born.day} {born:%B %Y}" if born else None)
    return [(label, shown.get(field)) for field, label in IDENTITY_LABELS.items()]


@bp.get("/<code>")
@permission_required("cases.view")
def show(code: str):
    case = find_case(code)
    require_case(case)
    me = _me()
    identity, live, unavailable = None, None, False
    try:
        identity, live = shown_identity(case, me)
    except IdentityUnavailable:
        unavailable = True
    db.session.commit()  # the identity_viewed / identity_unavailable entry, before any showing
    return render_template(
        "cases/show.html", case=case, identity=identity, live=live, unavailable=unavailable,
        identity_rows=_identity_rows(identity), siblings=_siblings(case), withheld=_withheld(case),
        may_reveal=may_reveal(me, case), may_withhold=_may_withhold(me, case),
        may_change=case.destroyed_at is None and can("cases.register", case),
        attachments=attachments_for(case),
        may_attach=case.destroyed_at is None and can("cases.attach", case),
        may_hold=can("cases.legal_hold", case),
        cohorts=COHORTS, sexes=SEXES, ethnicities=ETHNICITIES, bases=WITHHELD_BASES,
        disability=DISABILITY, band_order=AGE_BAND_ORDER,
        protective_marking="OFFICIAL-SENSITIVE" if identity else "OFFICIAL",
    )


# --- Reveal -----------------------------------------------------------------------------------


@bp.route("/<code>/reveal", methods=["GET", "POST"])
@permission_required("cases.view")
def reveal_identity(code: str):
    case = find_case(code)
    me = _me()
    if not can_see(me, case):
        refuse(case, me, "cannot see the case")
        db.session.commit()
        require("cases.view", case)  # the same 404 as for a code that does not exist
    if not may_reveal(me, case):
        refuse(case, me, "not allowed")
        db.session.commit()
        return render_template("cases/cannot_reveal.html", case=case), 403
    form, errors = RevealForm(), {}
    if request.method == "POST" and form.validate():
        try:
            reveal(case, me, form.reason.data, form.reason_text.data)
            db.session.commit()
            return redirect(url_for("cases.show", code=case.code) + "#identity")
        except RevealInvalid as exc:
            errors = exc.errors
        except RevealRefused:
            db.session.commit()
            return render_template("cases/cannot_reveal.html", case=case), 403
        except IdentityUnavailable:
            db.session.commit()
            return render_template("cases/unavailable.html", case=case), 503
    return render_template("cases/reveal.html", case=case, form=form, errors=errors,
                           reasons=list(REASONS.items()), minutes=reveal_minutes(),
                           ), _status(errors)


# --- Withheld information ---------------------------------------------------------------------


def _own_agencies(user: Any, case: Case) -> list[Agency]:
    """The user's own agencies (where they hold `cases.withhold`) in the case's partnership."""
    ids = reach(user, "cases.withhold").agency_ids
    agencies = db.session.scalars(select(Agency).where(Agency.id.in_(ids)).order_by(Agency.name))
    return [a for a in agencies if any(p.id == case.partnership_id for p in a.partnerships)]


def _may_withhold(user: Any, case: Case) -> bool:
    if case.destroyed_at is not None or not _own_agencies(user, case):
        return False
    return can("cases.withhold", case, user=user) or bool(open_assignments(user, case))


@bp.route("/<code>/withheld", methods=["GET", "POST"])
@permission_required("cases.withhold")
def withhold(code: str):
    case = find_case(code)
    require_case(case, "cases.withhold")
    me = _me()
    agencies = _own_agencies(me, case)
    if not agencies or case.destroyed_at is not None:
        abort(403)
    form, errors = WithheldForm(), {}
    if len(agencies) == 1 and not form.agency.data:
        form.agency.data = str(agencies[0].id)
    if request.method == "POST" and form.validate():
        errors = form.problems({a.id for a in agencies})
        if not errors:
            _record_withheld(case, form, me)
            db.session.commit()
            flash("Withheld information recorded", "success")
            return redirect(url_for("cases.show", code=case.code))
    return render_template("cases/withheld.html", case=case, form=form, errors=errors,
                           bases=list(WITHHELD_BASES.items()), agencies=agencies,
                           ), _status(errors)


def _record_withheld(case: Case, form: WithheldForm, user: Any) -> None:
    agency_id = int(form.agency.data)
    db.session.add(WithheldInformation(
        case_id=case.id, agency_id=agency_id, basis=form.basis.data,
        decided_by=form.decided_by.data, context=form.context.data or None,
        recorded_by_id=user.id, recorded_at=utcnow()))
    append("withheld_recorded", "case", case.code, user=user, partnership_id=case.partnership_id,
           detail=f"agency {agency_id}; basis: {form.basis.data}")


# --- Changing identity ------------------------------------------------------------------------


def _change(case: Case, form: IdentityForm) -> tuple[dict[str, str], list[str]]:
    """Apply every change in the form, or none: (errors, the fields changed)."""
    errors: dict[str, str] = {}
    changes = form.changes()
    dob_error = form.birth_text()[1]
    if not changes and not dob_error:
        errors["name"] = "Enter at least one new detail, or choose one to remove"
    for field, value in changes.items():
        try:
            change_identity(case, field, value, _me())
        except CaseInvalid as exc:
            errors.update(exc.errors)
        except KeyUnavailable:
            errors["keys"] = KEYS_MISSING
    if dob_error:
        errors["date_of_birth"] = dob_error
    return errors, list(changes)


@bp.route("/<code>/identity", methods=["GET", "POST"])
@permission_required("cases.register")
def identity(code: str):
    case = find_case(code)
    require("cases.register", case)
    if case.destroyed_at is not None:
        abort(410)
    form, errors = IdentityForm(), {}
    if request.method == "POST" and form.validate():
        errors, changed = _change(case, form)
        if errors:
            db.session.rollback()
        else:
            db.session.commit()
            labels = ", ".join(IDENTITY_LABELS[f].lower() for f in changed)
            flash(f"Changed: {labels}", "success")
            return redirect(url_for("cases.show", code=case.code))
    return render_template("cases/identity.html", case=case, form=form, errors=errors,
                           order=NEW_FIELDS, clearable=list(CLEARABLE.items())), _status(errors)


# Pages in their own modules, registered on this blueprint (imported last: they import `bp`).
from core.cases import attachment_views, import_views, retention_views  # noqa: E402, F401
