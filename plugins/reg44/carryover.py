"""Recommendations carry over: the open ones of earlier reports join the next visit's checklist.

A recommendation stays open until a later visit finds it met. Each visit's checklist lists the
home's open recommendations from finished reports of earlier months (and any this visit has
closed), with the home's latest response; the visitor says for each whether it is progressing,
not progressed, or met. "Met" closes the recommendation when the report is finished, and opens
it again if that report is reopened.
"""

from __future__ import annotations

from sqlalchemy import or_, select

from core.toolkit import db
from plugins.reg44 import clock
from plugins.reg44.models import Recommendation, RecommendationReview, Visit

ISSUED = ("finalised", "distributed")


def checklist(visit: Visit) -> list[Recommendation]:
    """The earlier recommendations this visit must look at, oldest first."""
    earlier = select(Visit.id).where(Visit.home_id == visit.home_id, Visit.month < visit.month,
                                     Visit.state.in_(ISSUED))
    query = (select(Recommendation)
             .where(Recommendation.visit_id.in_(earlier),
                    or_(Recommendation.status == "open",
                        Recommendation.closed_by_visit_id == visit.id))
             .order_by(Recommendation.visit_id, Recommendation.number))
    return list(db.session.scalars(query))


def reviews_by_recommendation(visit: Visit) -> dict[int, RecommendationReview]:
    return {r.recommendation_id: r for r in visit.reviews}


def close_met(visit: Visit) -> int:
    """Close the recommendations this visit found met (when its report is finished)."""
    closed = 0
    for review in visit.reviews:
        rec = review.recommendation
        if review.outcome == "met" and rec.status == "open":
            rec.status, rec.closed_at, rec.closed_by_visit_id = "closed", clock.now(), visit.id
            closed += 1
    return closed


def reopen_closed(visit: Visit) -> None:
    """Undo `close_met` when the visit's report is reopened for changes."""
    query = select(Recommendation).where(Recommendation.closed_by_visit_id == visit.id)
    for rec in db.session.scalars(query):
        rec.status, rec.closed_at, rec.closed_by_visit_id = "open", None, None
