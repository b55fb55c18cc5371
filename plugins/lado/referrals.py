"""Recording LADO referrals: validation, references, sealing and pseudonymous keys.

One set of rules serves the page and the CSV import, so an import line fails for the same
reasons a form would, with a message per field. Messages never repeat the adult's role, employer
or identifier. Nothing here commits: the caller owns the transaction.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select

from core.toolkit import (
    Case,
    Membership,
    Partnership,
    User,
    blind_index,
    db,
    roles_with,
    utcnow,
)
from plugins.lado import vocab
from plugins.lado.access import REGISTER, log
from plugins.lado.models import LadoReferral, LadoReferralChild

ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0"}
MAX_TEXT = 200
EARLIEST = date(2000, 1, 1)
FIELDS = ("referral_date", "sector", "referrer_agency", "lado", "adult_role", "employer",
          "adult_identifier", "children", "category", "decision", "decision_date",
          "strategy_held", "strategy_date", "s47_enquiry", "s47_date", "police_investigation",
          "police_date", "hr_process", "hr_date", "dbs_referral", "dbs_date", "outcome",
          "outcome_date")
SEALED_INPUTS = ("adult_role", "employer", "adult_identifier")


class ReferralInvalid(ValueError):
    """What is wrong, per field. Messages never contain the values given for sealed fields."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("Referral is not valid: " + ", ".join(sorted(self.errors)))


def parse_date(value: object) -> date | None:
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


def _text(value: object) -> str:
    return "" if value is None else " ".join(str(value).split())


def _date(values: Mapping[str, Any], name: str, label: str, errors: dict[str, str],
          today: date, required: bool = False) -> date | None:
    raw = values.get(name)
    if raw in (None, "") or _text(raw) == "":
        if required:
            errors[name] = f"Enter the {label}"
        return None
    day = parse_date(raw)
    if day is None:
        errors[name] = f"The {label} must be a real date, like 27/3/2026"
    elif day > today:
        errors[name] = f"The {label} must be today or in the past"
    elif day < EARLIEST:
        errors[name] = f"The {label} must be on or after 1 January 2000"
    return day


def _choice(values: Mapping[str, Any], name: str, options: dict[str, str], message: str,
            errors: dict[str, str], required: bool = False) -> str | None:
    text = _text(values.get(name))
    if not text:
        if required:
            errors[name] = message
        return None
    key = vocab.match(text, options)
    if key is None:
        errors[name] = message
    return key


def _flag(values: Mapping[str, Any], name: str, errors: dict[str, str]) -> bool | None:
    value = values.get(name)
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text in YES:
        return True
    if text in NO:
        return False
    if text not in ("", "not known", "not_known", "unknown"):
        errors[name] = f"{vocab.FLAG_LABELS[name]} must be yes, no or blank"
    return None


def _sealed(values: Mapping[str, Any], name: str, label: str, errors: dict[str, str],
            required: bool) -> str | None:
    text = _text(values.get(name))
    if not text and required:
        errors[name] = f"Enter the {label}"
    elif len(text) > MAX_TEXT:
        errors[name] = f"The {label} must be {MAX_TEXT} characters or fewer"
    return text or None


def _after(day: date | None, start: date | None, name: str, label: str,
           errors: dict[str, str]) -> None:
    if day and start and day < start and name not in errors:
        errors[name] = f"The {label} must be on or after the referral date"


def _steps(values: Mapping[str, Any], errors: dict[str, str], today: date,
           start: date | None) -> dict[str, Any]:
    """Decision, strategy discussion, enquiries and outcome, with their dates."""
    out: dict[str, Any] = {
        "decision": _choice(values, "decision", vocab.DECISIONS,
                            "Select whether the threshold was met", errors),
        "decision_date": _date(values, "decision_date", "decision date", errors, today),
        "strategy_held": _flag(values, "strategy_held", errors),
        "strategy_date": _date(values, "strategy_date", "strategy discussion date", errors,
                               today),
        "outcome": _choice(values, "outcome", vocab.OUTCOMES,
                           "Select an outcome from the list", errors),
        "outcome_date": _date(values, "outcome_date", "outcome date", errors, today),
    }
    for flag, day in vocab.FLAG_DATES.items():
        out[flag] = _flag(values, flag, errors)
        out[day] = _date(values, day, vocab.DATE_LABELS[day], errors, today)
    _pairs(out, errors, start)
    _step_dates(out, errors, start)
    return out


def _step_dates(out: dict[str, Any], errors: dict[str, str], start: date | None) -> None:
    """A step's date means it happened; a date with the answer "no" is a contradiction."""
    for flag, day in vocab.FLAG_DATES.items():
        if out[day] and out[flag] is False and flag not in errors:
            errors[day] = (f"Leave the {vocab.DATE_LABELS[day]} blank, or answer yes to "
                           f"{vocab.FLAG_LABELS[flag].lower()}")
        elif out[day]:
            out[flag] = True
        _after(out[day], start, day, vocab.DATE_LABELS[day], errors)


def _pairs(out: dict[str, Any], errors: dict[str, str], start: date | None) -> None:
    if out["decision"] and not out["decision_date"] and "decision_date" not in errors:
        errors["decision_date"] = "Enter the decision date"
    if out["decision_date"] and not out["decision"] and "decision" not in errors:
        errors["decision"] = "Select whether the threshold was met"
    if out["strategy_held"] and not out["strategy_date"] and "strategy_date" not in errors:
        errors["strategy_date"] = "Enter the date of the strategy discussion"
    if out["strategy_date"] and out["strategy_held"] is False:
        errors["strategy_date"] = "Leave the date blank when no strategy discussion was held"
    elif out["strategy_date"]:
        out["strategy_held"] = True
    if out["outcome"] and not out["outcome_date"] and "outcome_date" not in errors:
        errors["outcome_date"] = "Enter the outcome date"
    if out["outcome_date"] and not out["outcome"] and "outcome" not in errors:
        errors["outcome"] = "Select an outcome from the list"
    _after(out["decision_date"], start, "decision_date", "decision date", errors)
    _after(out["strategy_date"], start, "strategy_date", "strategy discussion date", errors)
    _after(out["outcome_date"], start, "outcome_date", "outcome date", errors)


def _agency(partnership: Partnership, values: Mapping[str, Any],
            errors: dict[str, str]) -> int | None:
    """The referring agency by id (page) or name (import); it must be in the partnership."""
    raw = _text(values.get("referrer_agency"))
    if not raw:
        return None
    by_id = raw.isdigit()
    agency = next((a for a in partnership.agencies
                   if (str(a.id) == raw if by_id else a.name.lower() == raw.lower())), None)
    if agency is None:
        errors["referrer_agency"] = f"The referring agency must be an agency of {partnership.name}"
        return None
    return agency.id


def _lado(partnership: Partnership, values: Mapping[str, Any],
          errors: dict[str, str]) -> int | None:
    """The LADO handling the referral, by id or email: someone in the partnership's service."""
    raw = _text(values.get("lado"))
    if not raw:
        return None
    user = db.session.get(User, int(raw)) if raw.isdigit() else db.session.scalar(
        select(User).where(func.lower(User.email) == raw.lower()))
    if user is None or user.id not in lado_ids(partnership):
        errors["lado"] = "The LADO must be someone in the partnership's LADO service"
        return None
    return user.id


def lado_ids(partnership: Partnership) -> set[int]:
    """People holding `lado.register` in an agency of the partnership (or across it)."""
    agencies = {a.id for a in partnership.agencies}
    rows = db.session.scalars(select(Membership).where(
        Membership.role.in_(roles_with(REGISTER))))
    return {m.user_id for m in rows
            if m.agency_id in agencies or m.partnership_id == partnership.id}


def _children(partnership: Partnership, values: Mapping[str, Any],
              errors: dict[str, str]) -> list[Case]:
    """Cases named by code (separated by spaces, commas or semicolons), in the partnership."""
    raw = _text(values.get("children")).upper()
    codes = [c for c in re.split(r"[\s,;]+", raw) if c]
    if not codes:
        return []
    found = {c.code: c for c in db.session.scalars(select(Case).where(
        Case.code.in_(codes), Case.partnership_id == partnership.id))}
    missing = [c for c in codes if c not in found]
    if missing:
        errors["children"] = (f"No case of {partnership.name} has the code "
                              f"{', '.join(missing[:3])}: code the child first")
        return []
    return [found[c] for c in dict.fromkeys(codes)]


def clean(partnership: Partnership, values: Mapping[str, Any], today: date,
          new: bool = True) -> tuple[dict[str, Any], dict[str, str]]:
    """Every field cleaned into model values, and a message per bad field.

    On an edit (`new=False`) the sealed inputs may be left blank to keep what is stored.
    """
    errors: dict[str, str] = {}
    start = _date(values, "referral_date", "referral date", errors, today, required=True)
    out: dict[str, Any] = {
        "referral_date": start,
        "sector": _choice(values, "sector", vocab.SECTORS, "Select the sector the adult works "
                          "in", errors, required=True),
        "category": _choice(values, "category", vocab.CATEGORIES, "Select the category of "
                            "allegation", errors, required=True),
        "referrer_agency_id": _agency(partnership, values, errors),
        "lado_id": _lado(partnership, values, errors),
        "adult_role": _sealed(values, "adult_role", "adult's role", errors, new),
        "employer": _sealed(values, "employer", "employer", errors, new),
        "adult_identifier": _sealed(values, "adult_identifier", "identifier for the adult",
                                    errors, False),
        "children": _children(partnership, values, errors),
    }
    out.update(_steps(values, errors, today, start))
    return out, errors


def new_reference(prefix: str) -> str:
    """A random reference like NB-L-7K3Q9X (never derived from the allegation)."""
    for _ in range(20):
        ref = f"{prefix}-L-" + "".join(secrets.choice(ALPHABET) for _ in range(6))
        if db.session.scalar(select(LadoReferral.id).where(LadoReferral.reference == ref)) is None:
            return ref
    raise RuntimeError("No free LADO reference after 20 tries.")


def key_for(partnership_id: int, kind: str, value: str | None) -> str | None:
    """The pseudonymous key of an adult or employer: an HMAC kept apart from the data keys."""
    return None if not value else blind_index(partnership_id, f"lado_{kind}", value)


CLEAR = ("referral_date", "sector", "category", "referrer_agency_id", "lado_id", "decision",
         "decision_date", "strategy_held", "strategy_date", "s47_enquiry", "s47_date",
         "police_investigation", "police_date", "hr_process", "hr_date", "dbs_referral",
         "dbs_date", "outcome", "outcome_date")


def _apply(referral: LadoReferral, values: dict[str, Any]) -> list[str]:
    """Set clear fields, seal given sealed ones, refresh keys; the names of what changed."""
    changed = [n for n in CLEAR if getattr(referral, n) != values[n]]
    for name in CLEAR:
        setattr(referral, name, values[name])
    pid = referral.partnership_id
    for name in ("adult_role", "employer"):
        if values[name]:
            referral.seal(name, values[name])
            changed.append(name)
    if values["employer"]:
        referral.employer_key = key_for(pid, "employer", values["employer"])
    if values["adult_identifier"]:
        referral.adult_key = key_for(pid, "adult", values["adult_identifier"])
        changed.append("adult_identifier")
    _link_children(referral, values["children"], changed)
    return changed


def _link_children(referral: LadoReferral, cases: list[Case], changed: list[str]) -> None:
    wanted = {c.id for c in cases}
    have = {link.case_id for link in referral.children}
    if wanted == have:
        return
    referral.children = [link for link in referral.children if link.case_id in wanted]
    referral.children += [LadoReferralChild(case=c) for c in cases if c.id not in have]
    changed.append("children")


def register(partnership: Partnership, values: Mapping[str, Any], by: User | None,
             today: date) -> LadoReferral:
    """Validate and record a new referral; logs `lado_referral_recorded`. Raises
    `ReferralInvalid`. Added and flushed, not committed."""
    cleaned, errors = clean(partnership, values, today)
    if errors:
        raise ReferralInvalid(errors)
    return write(partnership, cleaned, by)


def write(partnership: Partnership, cleaned: dict[str, Any], by: User | None,
          source: str = "page") -> LadoReferral:
    """Record an already cleaned referral (the import checks a whole file first)."""
    now = utcnow()
    referral = LadoReferral(reference=new_reference(partnership.code_prefix),
                        partnership_id=partnership.id, created_by_id=getattr(by, "id", None),
                        created_at=now, updated_at=now)
    referral.partnership = partnership
    _apply(referral, cleaned)
    db.session.add(referral)
    db.session.flush()
    log(referral, "lado_referral_recorded", detail=f"from {source}", user=by)
    return referral


def update(referral: LadoReferral, values: Mapping[str, Any], by: User, today: date) -> list[str]:
    """Change a referral; blank sealed inputs keep what is stored. Logs the changed field
    names (never values). Raises `ReferralInvalid`."""
    cleaned, errors = clean(referral.partnership, values, today, new=False)
    if errors:
        raise ReferralInvalid(errors)
    changed = _apply(referral, cleaned)
    if changed:
        referral.updated_at = utcnow()
        log(referral, "lado_referral_changed", detail="fields: " + ", ".join(changed), user=by)
    return changed
