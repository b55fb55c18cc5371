"""Notifications: an in-app inbox for everyone, and email at once, in a daily digest or never.

`notify` is the one entry point (also `core.toolkit.notify`); it writes inbox rows and queues
emails in the caller's transaction.
"""

from core.notifications.models import Notification
from core.notifications.service import NotificationError, already_told, notify

__all__ = ["Notification", "NotificationError", "already_told", "notify"]
