"""Each person's choice of how notifications reach them by email."""

from __future__ import annotations

from core.extensions import db
from core.identity.models import User
from core.notifications.models import DELIVERIES, IMMEDIATE, NotificationPreference

CHOICES = {
    "immediate": "Email me each notification as it happens",
    "digest": "Email me one summary each weekday morning",
    "in_app": "Do not email me: I will check my inbox",
}


def delivery_for(user: User) -> str:
    """The person's choice; at once when they have not chosen."""
    pref = db.session.get(NotificationPreference, user.id)
    return pref.delivery if pref is not None else IMMEDIATE


def set_delivery(user: User, delivery: str) -> NotificationPreference:
    """Record a choice in the caller's transaction (the caller commits)."""
    if delivery not in DELIVERIES:
        raise ValueError(f"delivery must be one of {', '.join(DELIVERIES)}")
    pref = db.session.get(NotificationPreference, user.id)
    if pref is None:
        pref = NotificationPreference(user_id=user.id)
        db.session.add(pref)
    pref.delivery = delivery
    return pref
