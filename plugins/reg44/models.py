"""The plugin's tables (all prefixed `reg44_`).

Children appear only as core `Case` rows, that is by case code: a placement, a child spoken to
at a visit and a child flagged by inadequate-provider scrutiny all point at a case. Staff and
managers of a home are recorded by role, never by name. Every table a person opens carries the
partnership and the responsible (placing) agency, so views scope it in SQL.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.toolkit import (
    Agency,
    AgencyScoped,
    Case,
    Model,
    Partnership,
    Team,
    User,
    UTCDateTime,
    utcnow,
)


class Home(AgencyScoped, Model):
    """A children's home the authority runs or places children in.

    `agency_id` is the local authority's children's services (it places the children and is
    responsible for the visits); `team_id`, for its own homes, the team that runs the home, from
    which the independence of visitors is checked.
    """

    __tablename__ = "reg44_home"
    __table_args__ = (UniqueConstraint("partnership_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    provider: Mapped[str] = mapped_column(String(200), index=True)
    manager_role: Mapped[str] = mapped_column(String(200))
    ofsted_urn: Mapped[str | None] = mapped_column(String(12))
    ofsted_judgement: Mapped[str | None] = mapped_column(String(30))
    ofsted_judged_on: Mapped[date | None] = mapped_column(Date)
    beds: Mapped[int] = mapped_column(Integer)
    frequency: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    partnership: Mapped[Partnership] = relationship()
    agency: Mapped[Agency] = relationship()
    team: Mapped[Team | None] = relationship()
    placements: Mapped[list[Placement]] = relationship(
        back_populates="home", order_by="Placement.placed_on")
    judgements: Mapped[list[OfstedJudgement]] = relationship(
        back_populates="home", order_by="OfstedJudgement.inspected_on")
    assignments: Mapped[list[Assignment]] = relationship(
        back_populates="home", order_by="Assignment.starts_on")

    __mapper_args__ = {"version_id_col": version}

    def current_placements(self) -> list[Placement]:
        return [p for p in self.placements if p.ended_on is None]

    def current_assignment(self) -> Assignment | None:
        return next((a for a in reversed(self.assignments) if a.ends_on is None), None)


class OfstedJudgement(Model):
    """An Ofsted judgement of a home, kept as history (the home shows the latest)."""

    __tablename__ = "reg44_ofsted_judgement"

    id: Mapped[int] = mapped_column(primary_key=True)
    home_id: Mapped[int] = mapped_column(ForeignKey("reg44_home.id"), index=True)
    judgement: Mapped[str] = mapped_column(String(30))
    inspected_on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    home: Mapped[Home] = relationship(back_populates="judgements")


class Placement(Model):
    """A child placed in the home by this authority, by case code; open while `ended_on` is
    None."""

    __tablename__ = "reg44_placement"
    __table_args__ = (UniqueConstraint("home_id", "case_id", "placed_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    home_id: Mapped[int] = mapped_column(ForeignKey("reg44_home.id"), index=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("case_record.id"), index=True)
    placed_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    home: Mapped[Home] = relationship(back_populates="placements")
    case: Mapped[Case] = relationship()


class Assignment(Model):
    """An independent person assigned to visit a home from `starts_on`; current while
    `ends_on` is None. Independence was checked when it was made."""

    __tablename__ = "reg44_assignment"

    id: Mapped[int] = mapped_column(primary_key=True)
    home_id: Mapped[int] = mapped_column(ForeignKey("reg44_home.id"), index=True)
    visitor_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    home: Mapped[Home] = relationship(back_populates="assignments")
    visitor: Mapped[User] = relationship(foreign_keys=[visitor_id])


class Visit(AgencyScoped, Model):
    """One scheduled visit to a home in a month, and the report written after it.

    `state` mirrors the visit's workflow instance (kept in step by the transition hook) so lists
    filter on it in SQL. `answers` holds the visit tool's answers by question code, graded
    against `tool_key` + `tool_version`, kept from the day the visit was scheduled.
    """

    __tablename__ = "reg44_visit"
    __table_args__ = (UniqueConstraint("home_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    home_id: Mapped[int] = mapped_column(ForeignKey("reg44_home.id"), index=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    month: Mapped[date] = mapped_column(Date, index=True)
    due_on: Mapped[date] = mapped_column(Date)
    visitor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    state: Mapped[str] = mapped_column(String(20), default="scheduled", index=True)
    tool_key: Mapped[str] = mapped_column(String(100))
    tool_version: Mapped[int] = mapped_column(Integer)
    visited_on: Mapped[date | None] = mapped_column(Date)
    announced: Mapped[str | None] = mapped_column(String(20))
    report_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    spoken_to: Mapped[list] = mapped_column(JSON, default=list)
    spoken_to_other: Mapped[str | None] = mapped_column(String(500))
    other_children: Mapped[int | None] = mapped_column(Integer)
    safeguarded: Mapped[str | None] = mapped_column(String(5))
    safeguarded_reason: Mapped[str | None] = mapped_column(Text)
    wellbeing: Mapped[str | None] = mapped_column(String(5))
    wellbeing_reason: Mapped[str | None] = mapped_column(Text)
    summary: Mapped[str | None] = mapped_column(Text)
    finalised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finalised_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    cancelled_reason: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    home: Mapped[Home] = relationship()
    visitor: Mapped[User | None] = relationship(foreign_keys=[visitor_id])
    children: Mapped[list[ChildView]] = relationship(
        back_populates="visit", order_by="ChildView.id", cascade="all, delete-orphan")
    recommendations: Mapped[list[Recommendation]] = relationship(
        back_populates="visit", order_by="Recommendation.number",
        foreign_keys="Recommendation.visit_id")
    reviews: Mapped[list[RecommendationReview]] = relationship(
        back_populates="visit", order_by="RecommendationReview.id", cascade="all, delete-orphan")
    distributions: Mapped[list[Distribution]] = relationship(
        back_populates="visit", order_by="Distribution.sent_on")

    __mapper_args__ = {"version_id_col": version}


class ChildView(Model):
    """A child spoken to at a visit, by case code, and (with their consent) their views."""

    __tablename__ = "reg44_child_view"
    __table_args__ = (UniqueConstraint("visit_id", "case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("reg44_visit.id"), index=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("case_record.id"), index=True)
    consent: Mapped[bool] = mapped_column(default=False)
    how: Mapped[str | None] = mapped_column(String(20))
    views: Mapped[str | None] = mapped_column(Text)
    themes: Mapped[list] = mapped_column(JSON, default=list)
    visit: Mapped[Visit] = relationship(back_populates="children")
    case: Mapped[Case] = relationship()


class Recommendation(Model):
    """A recommendation of a visit report; open until a later visit finds it met."""

    __tablename__ = "reg44_recommendation"
    __table_args__ = (UniqueConstraint("visit_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("reg44_visit.id"), index=True)
    home_id: Mapped[int] = mapped_column(ForeignKey("reg44_home.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    standard: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_visit_id: Mapped[int | None] = mapped_column(ForeignKey("reg44_visit.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    visit: Mapped[Visit] = relationship(back_populates="recommendations",
                                        foreign_keys=[visit_id])
    responses: Mapped[list[Response]] = relationship(
        back_populates="recommendation", order_by="Response.received_on")

    @property
    def label(self) -> str:
        return f"{self.visit.reference}/{self.number}"


class RecommendationReview(Model):
    """What a later visit found about an open recommendation carried over to its checklist."""

    __tablename__ = "reg44_recommendation_review"
    __table_args__ = (UniqueConstraint("visit_id", "recommendation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("reg44_visit.id"), index=True)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("reg44_recommendation.id"))
    outcome: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    visit: Mapped[Visit] = relationship(back_populates="reviews")
    recommendation: Mapped[Recommendation] = relationship()


class Response(Model):
    """The home's response to a recommendation, with the dates it gave."""

    __tablename__ = "reg44_response"

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("reg44_recommendation.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    received_on: Mapped[date] = mapped_column(Date)
    target_on: Mapped[date | None] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recommendation: Mapped[Recommendation] = relationship(back_populates="responses")


class Distribution(Model):
    """A finished report sent to someone: who (organisation or role), how and when."""

    __tablename__ = "reg44_distribution"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("reg44_visit.id"), index=True)
    recipient: Mapped[str] = mapped_column(String(30))
    who: Mapped[str] = mapped_column(String(200))
    method: Mapped[str] = mapped_column(String(20))
    sent_on: Mapped[date] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    visit: Mapped[Visit] = relationship(back_populates="distributions")


class Scrutiny(AgencyScoped, Model):
    """Closer scrutiny of a home Ofsted judged inadequate while this authority's children lived
    there: open until every flagged child has a recorded decision."""

    __tablename__ = "reg44_scrutiny"

    id: Mapped[int] = mapped_column(primary_key=True)
    home_id: Mapped[int] = mapped_column(ForeignKey("reg44_home.id"), index=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    judgement_id: Mapped[int] = mapped_column(ForeignKey("reg44_ofsted_judgement.id"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    home: Mapped[Home] = relationship()
    judgement: Mapped[OfstedJudgement] = relationship()
    children: Mapped[list[FlaggedChild]] = relationship(
        back_populates="scrutiny", order_by="FlaggedChild.id")

    @property
    def reference(self) -> str:
        return f"R44-S{self.id}"


class FlaggedChild(Model):
    """A child (by code) placed at a home judged inadequate, and the decision about them."""

    __tablename__ = "reg44_flagged_child"
    __table_args__ = (UniqueConstraint("scrutiny_id", "case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scrutiny_id: Mapped[int] = mapped_column(ForeignKey("reg44_scrutiny.id"), index=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("case_record.id"), index=True)
    flagged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decision: Mapped[str | None] = mapped_column(String(10))
    reason: Mapped[str | None] = mapped_column(Text)
    action_plan: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    action_id: Mapped[int | None] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    scrutiny: Mapped[Scrutiny] = relationship(back_populates="children")
    case: Mapped[Case] = relationship()

    __mapper_args__ = {"version_id_col": version}
