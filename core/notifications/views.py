"""The inbox and the notification settings page: a person's own things, so sign-in is enough.

Every query is by the signed-in person's id; another person's notification is a 404, the same
as one that does not exist. Marking read is a POST (opening from the list, or "Mark all as
read"): a GET never changes anything, so a crawler or a link preview cannot clear the inbox.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from core.extensions import db
from core.identity.access import login_required
from core.notifications import inbox as box
from core.notifications.forms import PreferenceForm
from core.notifications.preferences import CHOICES, delivery_for, set_delivery

bp = Blueprint("notifications", __name__)


@bp.get("/inbox")
@login_required
def inbox():
    user = current_user._get_current_object()
    page = box.inbox_page(user, request.args.get("page", 1, type=int))
    return render_template("notifications/inbox.html", page=page,
                           unread=box.unread_count(user))


@bp.get("/inbox/<int:notification_id>")
@login_required
def show(notification_id: int):
    """One notification in full; looking changes nothing (GET never changes state)."""
    note = box.own_notification(current_user, notification_id)
    return render_template("notifications/show.html", note=note)


@bp.post("/inbox/<int:notification_id>/open")
@login_required
def open_notification(notification_id: int):
    """Opening from the inbox (a button, so a POST) marks it read, then shows it."""
    note = box.own_notification(current_user, notification_id)
    box.mark_read(note)
    db.session.commit()
    return redirect(url_for("notifications.show", notification_id=note.id))


@bp.post("/inbox/read-all")
@login_required
def read_all():
    done = box.mark_all_read(current_user)
    db.session.commit()
    if done:
        flash(f"{done} notification{'' if done == 1 else 's'} marked as read", "success")
    return redirect(url_for("notifications.inbox"))


@bp.route("/account/notifications", methods=["GET", "POST"])
@login_required
def preferences():
    user = current_user._get_current_object()
    form = PreferenceForm(data={"delivery": delivery_for(user)})
    if form.validate_on_submit():
        set_delivery(user, form.delivery.data)
        db.session.commit()
        flash("Your notification settings have been saved", "success")
        return redirect(url_for("notifications.preferences"))
    return render_template("notifications/preferences.html", form=form, choices=CHOICES)
