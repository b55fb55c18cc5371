"""Break-glass alerts: every identity reveal tells the partnership's coordinators and
information-governance officers (the Caldicott Guardian's eyes) who looked and why.

Sent in the reveal's own transaction, so an alert exists exactly when the reveal does. The
alert names the person, the case code and the reason category, never the identity or the
free-text explanation (which a person might write a name into); the access log holds the rest.
The revealer is not told of their own reveal.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from core.cases.models import Case
from core.extensions import db
from core.identity.models import Membership, User
from core.notifications import notify

EVENT = "cases.identity_revealed"
# Who is told, and where the alert takes them: the access log for those who may read it.
ALERTED = {"ig_officer": "/access-log/?code={code}", "partnership_coordinator": "/cases/{code}"}


def _holders(role: str, case: Case, revealer: Any) -> list[User]:
    query = (select(User).join(Membership, Membership.user_id == User.id)
             .where(Membership.role == role, Membership.partnership_id == case.partnership_id,
                    User.active.is_(True), User.id != revealer.id)
             .distinct().order_by(User.id))
    return list(db.session.scalars(query))


def alert_reveal(case: Case, revealer: Any, reason_label: str) -> None:
    subject = f"Case {case.code}: a child's identity was revealed"
    body = (f"{revealer.name} revealed the identity of case {case.code} "
            f"(reason: {reason_label}). The access log records when and for how long.")
    told: set[int] = set()
    for role, link in ALERTED.items():
        people = [p for p in _holders(role, case, revealer) if p.id not in told]
        told.update(p.id for p in people)
        notify(people, EVENT, subject, body, link=link.format(code=case.code),
               partnership_id=case.partnership_id)
