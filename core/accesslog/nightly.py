"""The nightly check of the access log's hash chain, and the alert when it is broken.

A broken chain means an entry was edited or deleted outside the application, so the people
who answer for the log (information-governance officers of every partnership, and platform
administrators) are told at once by urgent notification, and an error naming the first broken
entry id (never its content) goes to the structured log for monitoring to pick up. The job
runs again each night, so a chain left broken keeps alerting until it is looked into.
"""

from __future__ import annotations

import logging

from sqlalchemy import select

from core.accesslog.chain import Verdict, verify
from core.extensions import db
from core.identity.models import Membership, User
from core.notifications import notify

log = logging.getLogger("partnership_audit.accesslog")

EVENT = "accesslog.chain_broken"
ALERT_ROLES = ("ig_officer", "platform_admin")
LINK = "/access-log/"


def _officers() -> dict[int | None, list[User]]:
    """Who to tell, grouped by the partnership their notice belongs to (None: the platform)."""
    rows = db.session.execute(
        select(Membership.partnership_id, Membership.role, User)
        .join(User, User.id == Membership.user_id)
        .where(Membership.role.in_(ALERT_ROLES))
        .order_by(Membership.partnership_id, User.id)
    ).all()
    groups: dict[int | None, list[User]] = {}
    for partnership_id, role, user in rows:
        key = None if role == "platform_admin" else partnership_id
        groups.setdefault(key, []).append(user)
    return groups


def _alert(verdict: Verdict) -> int:
    """Urgent notices for every officer; returns how many people were told."""
    subject = f"Access log integrity check failed at entry {verdict.broken_at}"
    body = (f"The nightly check of the access log found entry {verdict.broken_at} does not "
            f"match the chain ({verdict.reason}). Entries may have been altered or deleted "
            "outside the service. Preserve the database as it is and investigate.")
    told = 0
    for partnership_id, people in _officers().items():
        told += len(notify(people, EVENT, subject, body, link=LINK,
                           partnership_id=partnership_id, urgent=True))
    return told


def verify_and_alert() -> dict:
    """Verify the whole chain; on a break, log the entry id and alert. The caller commits."""
    verdict = verify()
    if verdict.ok:
        log.info("access log verified: %s entries intact", verdict.checked)
        return {"ok": True, "checked": verdict.checked, "broken_at": None}
    log.error("access log chain broken at entry %s: %s", verdict.broken_at, verdict.reason)
    told = _alert(verdict)
    return {"ok": False, "checked": verdict.checked, "broken_at": verdict.broken_at,
            "reason": verdict.reason, "alerted": told}
