"""Finding the people the plugin tells about things."""

from __future__ import annotations

from sqlalchemy import select

from core.toolkit import Membership, User, db


def coordinators(partnership_id: int) -> list[User]:
    """The active partnership coordinators of a partnership."""
    query = (select(User).join(Membership, Membership.user_id == User.id)
             .where(Membership.role == "partnership_coordinator",
                    Membership.partnership_id == partnership_id)
             .distinct().order_by(User.id))
    return [u for u in db.session.scalars(query) if u.is_active]
