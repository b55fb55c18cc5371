"""Background work: a weekly note to each LADO service of its long-running referrals."""

from __future__ import annotations

from sqlalchemy import select

from core.toolkit import Partnership, User, db, notify
from plugins.lado import timeliness
from plugins.lado.config import settings_for
from plugins.lado.models import LadoReferral
from plugins.lado.referrals import lado_ids

SHOWN = 20


def long_running_in(partnership: Partnership) -> list[LadoReferral]:
    settings = settings_for(partnership.id)
    rows = db.session.scalars(select(LadoReferral).where(
        LadoReferral.partnership_id == partnership.id, LadoReferral.outcome.is_(None))
        .order_by(LadoReferral.referral_date))
    return [r for r in rows if timeliness.is_long_running(r, settings)]


def long_running() -> dict:
    """Tell each partnership's LADO service which referrals are long-running (references
    only). Safe to run twice: it only tells, and the scheduler runs each slot once."""
    told = 0
    for partnership in db.session.scalars(select(Partnership).order_by(Partnership.id)):
        found = long_running_in(partnership)
        people = [db.session.get(User, i) for i in sorted(lado_ids(partnership))]
        if not found or not people:
            continue
        refs = ", ".join(r.reference for r in found[:SHOWN])
        more = f" and {len(found) - SHOWN} more" if len(found) > SHOWN else ""
        notify(people, "lado.long_running", f"Long-running LADO referrals: {len(found)}",
               f"These referrals have no outcome after the partnership's long-running "
               f"threshold: {refs}{more}.", link="/lado/?state=long",
               partnership_id=partnership.id)
        told += len(people)
    db.session.commit()
    return {"told": told}
