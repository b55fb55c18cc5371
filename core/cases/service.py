"""Coding cases: validation, case codes, sealed identity, sibling groups and assignments.

Nothing here commits: the caller owns the transaction, so a page saves one case and an import
saves all of its rows or none. Everything works without a request (CLI, jobs, imports), with
`by=None` when no person is acting. Error messages name the field and never repeat what was
typed, so they are safe to log and to show next to a CSV line number.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select

from core.accesslog.chain import append
from core.cases.attributes import COHORTS, ETHNICITIES, SEXES, age_band, match_choice, parse_flag
from core.cases.codes import new_code
from core.cases.models import IDENTITY_FIELDS, Case, CaseAssignment, SiblingGroup
from core.crypto.blind_index import blind_index
from core.extensions import db
from core.identity.models import Agency, Partnership, Team, User
from core.timeutil import to_london, utcnow

IDENTITY_LABELS = {
    "name": "Name",
    "date_of_birth": "Date of birth",
    "record_id": "Council case-record id",
    "nhs_number": "NHS number",
    "alias": "Also known as",
}
REQUIRED_IDENTITY = ("name", "date_of_birth", "record_id")
EARLIEST_BIRTH = date(1990, 1, 1)
CODE_ATTEMPTS = 20
DUPLICATE = "A case with this council case-record id is already registered in this partnership"


class CaseInvalid(ValueError):
    """What is wrong, per field. Messages never contain the values that were given."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("Case details are not valid: " + ", ".join(sorted(self.errors)))


def london_today() -> date:
    return to_london(utcnow()).date()


# --- Identity fields ---------------------------------------------------------------------------


def _text(value: object) -> str:
    return "" if value is None else " ".join(str(value).split())


def parse_date(value: object) -> date | None:
    """A date from a date, ISO text (2012-03-27) or UK text (27/03/2012); None if not one."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(str(value).strip(), fmt).date()
        except ValueError:
            continue
    return None


def nhs_check_digit(first_nine: str) -> int | None:
    """The NHS number modulus-11 check digit for nine digits; None when no number can have them."""
    total = sum(int(d) * (10 - i) for i, d in enumerate(first_nine))
    check = 11 - total % 11
    return {11: 0, 10: None}.get(check, check)


def _clean_name(value: object, errors: dict[str, str]) -> str | None:
    text = _text(value)
    if not text:
        errors["name"] = "Enter the child's name"
    elif len(text) > 200:
        errors["name"] = "Name must be 200 characters or fewer"
    return text or None


def _clean_birth(value: object, errors: dict[str, str]) -> date | None:
    if value is None or _text(value) == "":
        errors["date_of_birth"] = "Enter the date of birth"
        return None
    born = parse_date(value)
    if born is None:
        errors["date_of_birth"] = "Date of birth must be a real date, like 27/3/2012"
    elif born > london_today():
        errors["date_of_birth"] = "Date of birth must be today or in the past"
    elif born < EARLIEST_BIRTH:
        errors["date_of_birth"] = "Date of birth must be on or after 1 January 1990"
    return born


def _clean_record_id(value: object, errors: dict[str, str]) -> str | None:
    text = "" if value is None else str(value).strip()
    if not text:
        errors["record_id"] = "Enter the council case-record id"
    elif len(text) > 100:
        errors["record_id"] = "Council case-record id must be 100 characters or fewer"
    return text or None


def _clean_nhs_number(value: object, errors: dict[str, str]) -> str | None:
    text = re.sub(r"[\s-]", "", "" if value is None else str(value))
    if not text:
        return None
    if not re.fullmatch(r"\d{10}", text):
        errors["nhs_number"] = "NHS number must be 10 digits, like 943 476 5919"
    elif nhs_check_digit(text[:9]) != int(text[9]):
        errors["nhs_number"] = "Enter a valid NHS number: check it was typed correctly"
    return text


def _clean_alias(value: object, errors: dict[str, str]) -> str | None:
    text = _text(value)
    if len(text) > 200:
        errors["alias"] = "Also known as must be 200 characters or fewer"
    return text or None


CLEANERS = {
    "name": _clean_name,
    "date_of_birth": _clean_birth,
    "record_id": _clean_record_id,
    "nhs_number": _clean_nhs_number,
    "alias": _clean_alias,
}


def clean_identity(identity: Mapping[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    """Each identity field cleaned (dates as `date`), adding a message per bad field."""
    return {field: CLEANERS[field](identity.get(field), errors) for field in IDENTITY_FIELDS}


def _stored(value: Any) -> str | None:
    return value.isoformat() if isinstance(value, date) else value


def record_id_index(partnership_id: int, record_id: str) -> str:
    """The blind index of a record id (raises KeyUnavailable without the HMAC key)."""
    return blind_index(partnership_id, "record_id", record_id)


def record_id_taken(partnership_id: int, index: str, except_case_id: str | None = None) -> bool:
    query = select(Case.id).where(Case.partnership_id == partnership_id,
                                  Case.record_id_index == index)
    if except_case_id:
        query = query.where(Case.id != except_case_id)
    return db.session.scalar(query.limit(1)) is not None


# --- Non-identifying attributes --------------------------------------------------------------


def _choice(value: object, options: dict[str, str], field: str, message: str,
            errors: dict[str, str]) -> str | None:
    if _text(value) == "":
        return None
    key = match_choice(value, options)
    if key is None:
        errors[field] = message
    return key


def _team(agency: Agency, attributes: Mapping[str, Any], errors: dict[str, str]) -> int | None:
    """The team by id (`team_id`, from the page) or by name (`team`, from an import)."""
    if _text(attributes.get("team_id")):
        team = db.session.get(Team, int(attributes["team_id"])) \
            if str(attributes["team_id"]).strip().isdigit() else None
    elif _text(attributes.get("team")):
        team = db.session.scalar(select(Team).where(
            Team.agency_id == agency.id,
            func.lower(Team.name) == _text(attributes["team"]).lower()))
    else:
        return None
    if team is None or team.agency_id != agency.id:
        errors["team"] = f"Team must be a team of {agency.name}"
        return None
    return team.id


def _practitioner(agency: Agency, attributes: Mapping[str, Any],
                  errors: dict[str, str]) -> int | None:
    """The allocated practitioner by id or email; they must work in the case's agency."""
    if _text(attributes.get("practitioner_id")):
        raw = str(attributes["practitioner_id"]).strip()
        user = db.session.get(User, int(raw)) if raw.isdigit() else None
    elif _text(attributes.get("practitioner")):
        user = db.session.scalar(select(User).where(
            func.lower(User.email) == _text(attributes["practitioner"]).lower()))
    else:
        return None
    if user is None or all(m.agency_id != agency.id for m in user.memberships):
        errors["practitioner"] = f"Practitioner must be someone with an account in {agency.name}"
        return None
    return user.id


def clean_attributes(agency: Agency | None, attributes: Mapping[str, Any],
                     errors: dict[str, str]) -> dict[str, Any]:
    """The clear attributes as model values, adding a message per bad field.

    `agency` may be None only when no team or practitioner is given (nothing to check them by).
    """
    cohort = _choice(attributes.get("cohort"), COHORTS, "cohort",
                     "Select a cohort from the list", errors)
    if cohort is None and "cohort" not in errors:
        errors["cohort"] = "Select the cohort"
    disability, understood = parse_flag(attributes.get("disability"))
    if not understood:
        errors["disability"] = "Disability must be yes, no or not known"
    return {
        "cohort": cohort,
        "sex": _choice(attributes.get("sex"), SEXES, "sex",
                       "Select sex or gender from the list", errors),
        "ethnicity": _choice(attributes.get("ethnicity"), ETHNICITIES, "ethnicity",
                             "Ethnicity must be a DfE ethnicity code, like WBRI", errors),
        "disability": disability,
        "team_id": _team(agency, attributes, errors),
        "practitioner_id": _practitioner(agency, attributes, errors),
    }


# --- Coding -----------------------------------------------------------------------------------


def unique_code(prefix: str) -> str:
    """A random case code not yet used (codes never come from identity)."""
    for _ in range(CODE_ATTEMPTS):
        code = new_code(prefix)
        if db.session.scalar(select(Case.id).where(Case.code == code)) is None:
            return code
    raise RuntimeError(f"No free case code after {CODE_ATTEMPTS} tries for prefix {prefix}.")


def _user_id(by: User | None) -> int | None:
    return getattr(by, "id", None)


def register_case(partnership: Partnership, agency: Agency, identity: Mapping[str, Any],
                  attributes: Mapping[str, Any], by: User | None) -> Case:
    """Validate, code and seal a new case; log `case_coded`. Raises `CaseInvalid`.

    `identity`: name, date_of_birth (a date, 2012-03-27 or 27/03/2012), record_id,
    nhs_number, alias. `attributes`: cohort, sex, ethnicity (DfE code), disability (yes/no),
    team_id or team (name), practitioner_id or practitioner (email). The case is added and
    flushed, not committed. Raises `KeyUnavailable` when a key is missing (fails closed).
    """
    errors: dict[str, str] = {}
    values = clean_identity(identity, errors)
    clear = clean_attributes(agency, attributes, errors)
    if all(a.id != agency.id for a in partnership.agencies):
        errors["agency"] = "The agency is not part of this partnership"
    index = None
    if "record_id" not in errors:
        index = record_id_index(partnership.id, values["record_id"])
        if record_id_taken(partnership.id, index):
            errors["record_id"] = DUPLICATE
    if errors:
        raise CaseInvalid(errors)
    case = Case(code=unique_code(partnership.code_prefix), partnership_id=partnership.id,
                agency_id=agency.id, record_id_index=index, created_by_id=_user_id(by),
                age_band=age_band(values["date_of_birth"], london_today()),
                created_at=utcnow(), **clear)
    for field, value in values.items():
        case.seal(field, _stored(value))
    db.session.add(case)
    db.session.flush()
    append("case_coded", "case", case.code, user=by, partnership_id=partnership.id,
           detail=f"agency {agency.id}")
    return case


def change_identity(case: Case, field: str, value: Any, by: User | None) -> None:
    """Replace one identity field (None clears an optional one); log `identity_changed`.

    The log names the field only. A new record id is checked for duplicates through the blind
    index; a new date of birth recomputes the age band as at the day the case was coded.
    """
    if field not in IDENTITY_FIELDS:
        raise KeyError(f"Not an identity field: {field}")
    errors: dict[str, str] = {}
    if case.destroyed_at is not None:
        raise CaseInvalid({field: "This case's identity has been destroyed"})
    cleaned = CLEANERS[field](value, errors)
    index = None
    if field == "record_id" and not errors:
        index = record_id_index(case.partnership_id, cleaned)
        if record_id_taken(case.partnership_id, index, except_case_id=case.id):
            errors[field] = DUPLICATE
    if errors:
        raise CaseInvalid(errors)
    case.seal(field, _stored(cleaned))
    if index is not None:
        case.record_id_index = index
    if field == "date_of_birth":
        case.age_band = age_band(cleaned, to_london(case.created_at).date())
    append("identity_changed", "case", case.code, user=by, partnership_id=case.partnership_id,
           detail=f"field: {field}")


# --- Sibling groups ---------------------------------------------------------------------------


def sibling_code(prefix: str) -> str:
    """A random sibling-group code, e.g. NB-SG-7K3Q9X-C (the check character is the case code's)."""
    for _ in range(CODE_ATTEMPTS):
        body = new_code(prefix)[len(prefix) + 1:]
        code = f"{prefix}-SG-{body}"
        if db.session.scalar(select(SiblingGroup.id).where(SiblingGroup.code == code)) is None:
            return code
    raise RuntimeError(f"No free sibling-group code after {CODE_ATTEMPTS} tries.")


def link_siblings(cases: Iterable[Case], by: User | None) -> SiblingGroup:
    """Put two or more cases of one partnership, none yet in a group, into a new sibling group."""
    cases = list(cases)
    if len(cases) < 2:
        raise CaseInvalid({"cases": "Choose at least two cases to link as siblings"})
    partnership_ids = {c.partnership_id for c in cases}
    if len(partnership_ids) > 1:
        raise CaseInvalid({"cases": "Siblings must be cases in the same partnership"})
    if any(c.sibling_group_id for c in cases):
        raise CaseInvalid({"cases": "A case is already in a sibling group"})
    partnership = db.session.get(Partnership, partnership_ids.pop())
    group = SiblingGroup(partnership_id=partnership.id, code=sibling_code(partnership.code_prefix),
                         created_at=utcnow())
    db.session.add(group)
    db.session.flush()
    for case in cases:
        case.sibling_group_id = group.id
    append("siblings_linked", "sibling_group", group.code, user=by,
           partnership_id=partnership.id, detail="cases: " + ", ".join(c.code for c in cases))
    return group


# --- Assignments and access records -----------------------------------------------------------


def open_assignments(user: Any, case: Case) -> list[CaseAssignment]:
    if getattr(user, "id", None) is None:
        return []
    return list(db.session.scalars(select(CaseAssignment).where(
        CaseAssignment.user_id == user.id, CaseAssignment.case_id == case.id,
        CaseAssignment.closed_at.is_(None))))


def assign_to_case(user: User, case: Case, activity: str, reference: str,
                   by: User | None = None) -> CaseAssignment:
    """Record that `user` works on `case` in `activity` (e.g. "audits", reference "NB-AUD-12").

    While the assignment is open the user may see the case and reveal its identity. Assigning
    twice to the same piece of work returns the open assignment. Logs `case_assigned`.
    """
    if not activity or len(activity) > 40 or not reference or len(reference) > 40:
        raise ValueError("activity and reference must be 1 to 40 characters")
    for existing in open_assignments(user, case):
        if (existing.activity, existing.reference) == (activity, reference):
            return existing
    assignment = CaseAssignment(case_id=case.id, user_id=user.id, activity=activity,
                                reference=reference, opened_at=utcnow())
    db.session.add(assignment)
    db.session.flush()
    append("case_assigned", "case", case.code, user=by, partnership_id=case.partnership_id,
           detail=f"user {user.id}; {activity} {reference}")
    return assignment


def close_assignment(user: User, case: Case, activity: str, reference: str | None = None,
                     by: User | None = None) -> int:
    """Close the user's open assignments to the case in `activity` (and `reference`, if given).

    Returns how many were closed; from then on the user's own rights alone decide what they
    see. Logs `case_assignment_closed` when anything closed.
    """
    closing = [a for a in open_assignments(user, case) if a.activity == activity
               and (reference is None or a.reference == reference)]
    now = utcnow()
    for assignment in closing:
        assignment.closed_at = now
    if closing:
        append("case_assignment_closed", "case", case.code, user=by,
               partnership_id=case.partnership_id,
               detail=f"user {user.id}; {activity} {reference or '(all)'}")
    return len(closing)


def record_access(action: str, case: Case, user: Any = None, detail: str | None = None) -> None:
    """Write an access-log entry about a case (e.g. a plugin's `case_exported`) in the caller's
    transaction. `detail` must never contain identity."""
    append(action, "case", case.code, user=user, partnership_id=case.partnership_id,
           detail=detail)
