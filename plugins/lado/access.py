"""Who may open LADO data: the most sensitive in the system (DOMAIN.md; SECURITY.md).

By default only four kinds of people see a referral, each through a permission a deployment
can give to other roles:
- the LADO service (`lado.register`, role `lado`) of the referral's partnership;
- the LADO's manager: the line manager on a membership that holds `lado.register` there;
- the partnership coordinator (`lado.oversee`), who sees referrals coded but cannot reveal;
- the auditors of an audit of that referral, while they hold it.
The adult's role and employer are revealed only to the LADO and to the auditor of an open
audit. `lado.view` is the gate to the pages at all: anyone without it gets 403; anyone with it
who is none of the above gets 404 for the referral, as if it did not exist.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import abort
from sqlalchemy import Select, false, or_, select

from core.toolkit import (
    Membership,
    Partnership,
    append_access_log,
    can,
    current_user,
    db,
    require,
    roles_with,
)
from plugins.lado.models import LadoAudit, LadoReferral

VIEW = "lado.view"
REGISTER = "lado.register"
OVERSEE = "lado.oversee"
AUDIT = "lado.audit"
PLAN = "lado.plan"
REPORTS = "lado.reports"
SETTINGS = "lado.settings"


def _candidate_partnerships(user: Any) -> set[int]:
    """Partnerships the user has any membership in or through (where a rule could apply)."""
    found: set[int] = set()
    for m in user.memberships:
        if m.partnership_id:
            found.add(m.partnership_id)
        if m.agency is not None:
            found |= {p.id for p in m.agency.partnerships}
    return found


def partnerships_with(permission: str, user: Any = None) -> set[int]:
    """Partnership ids where `user` holds `permission` (through an agency or the partnership)."""
    user = current_user if user is None else user
    if not getattr(user, "is_authenticated", False):
        return set()
    ids = _candidate_partnerships(user)
    return {pid for pid in ids
            if can(permission, db.session.get(Partnership, pid), user=user)}


def managed_partnerships(user: Any) -> set[int]:
    """Partnerships where the user is line manager of someone in the LADO service."""
    if getattr(user, "id", None) is None:
        return set()
    rows = db.session.scalars(select(Membership).where(
        Membership.line_manager_id == user.id, Membership.role.in_(roles_with(REGISTER))))
    found: set[int] = set()
    for m in rows:
        if m.partnership_id:
            found.add(m.partnership_id)
        if m.agency is not None:
            found |= {p.id for p in m.agency.partnerships}
    return found


def whole_register(user: Any) -> set[int]:
    """Partnerships whose every referral the user may open (LADO, manager, coordinator)."""
    return partnerships_with(REGISTER, user) | partnerships_with(OVERSEE, user) | \
        managed_partnerships(user)


def _audited_by(user: Any) -> Select:
    return select(LadoAudit.referral_id).where(LadoAudit.auditor_id == user.id,
                                           LadoAudit.status != "cancelled")


def visible_referrals(user: Any = None) -> Select:
    """`select(LadoReferral)` limited to what the user may open."""
    user = current_user if user is None else user
    if not can(VIEW, user=user):
        return select(LadoReferral).where(false())
    return select(LadoReferral).where(or_(
        LadoReferral.partnership_id.in_(whole_register(user)),
        LadoReferral.id.in_(_audited_by(user))))


def may_open(user: Any, referral: LadoReferral) -> bool:
    if not getattr(user, "is_authenticated", False) or not can(VIEW, user=user):
        return False
    if referral.partnership_id in whole_register(user):
        return True
    return db.session.scalar(_audited_by(user).where(
        LadoAudit.referral_id == referral.id).limit(1)) is not None


def may_reveal_adult(user: Any, referral: LadoReferral) -> bool:
    """The LADO of the partnership, or the auditor of an open audit of this referral."""
    if not getattr(user, "is_authenticated", False):
        return False
    if can(REGISTER, referral, user=user):
        return True
    return db.session.scalar(select(LadoAudit.id).where(
        LadoAudit.referral_id == referral.id, LadoAudit.auditor_id == user.id,
        LadoAudit.status == "allocated").limit(1)) is not None


def may_edit(user: Any, referral: LadoReferral) -> bool:
    return can(REGISTER, referral, user=user)


def find_referral(reference: str, page: str = "referral") -> LadoReferral:
    """The referral the current user may open, by reference, or 404 (403 without the gate).

    Every opening is written to the access log (`lado_referral_viewed`, naming the page: the
    referral, its edit form, the reveal or ad hoc audit page), so the information-governance
    officer's "who opened referral X" finds them all; so is every refusal of someone who holds
    the gate permission (they were looking for something they may not see).
    """
    require(VIEW)
    referral = db.session.scalar(select(LadoReferral).where(
        LadoReferral.reference == reference.strip().upper()))
    if referral is None:
        abort(404)
    if not may_open(current_user, referral):
        log(referral, "lado_referral_refused")
        db.session.commit()
        abort(404)
    log(referral, "lado_referral_viewed", f"page: {page}")
    db.session.commit()  # the opening stays on record whatever the page does next
    return referral


def log_listed(referrals: Iterable[LadoReferral], where: str) -> None:
    """One `lado_referral_listed` entry per referral shown in a list (the register, the audit
    lists), so a referral's trail also shows who saw its row. The caller commits."""
    seen: set[str] = set()
    for referral in referrals:
        if referral.id not in seen:
            seen.add(referral.id)
            log(referral, "lado_referral_listed", where)


def log(referral: LadoReferral, action: str, detail: str | None = None, user: Any = None) -> None:
    """An access-log entry about a referral (by reference; never the sealed fields)."""
    append_access_log(action, "lado_referral", referral.reference,
                      user=current_user if user is None else user,
                      partnership_id=referral.partnership_id, detail=detail)
