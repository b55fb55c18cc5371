"""The tables behind actions: plans, actions, their history, overdue escalations and reviews.

An action points at the activity that raised it by `source_activity` (a plugin key, or "core"
for one raised by hand) and `source_ref` (that activity's own reference, e.g. an audit code),
and at a case by its id, shown only as the case code. Plans and actions carry a `version`
(optimistic lock), so two people saving the same one cannot overwrite each other unseen.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, or_
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.cases.models import Case
from core.extensions import db
from core.identity.models import Agency, Partnership, Scope, Team, User
from core.timeutil import UTCDateTime, utcnow


def _partnership_scope(partnership: Partnership) -> Scope:
    return Scope(frozenset(a.id for a in partnership.agencies), frozenset({partnership.id}))


class ActionPlan(db.Model):
    """A named plan of actions for one partnership (the board's action plan, or a plan from one
    multi-agency audit). Everyone in the partnership's agencies who may see actions sees it;
    which of its actions they see is decided per action."""

    __tablename__ = "action_plan"
    __table_args__ = (UniqueConstraint("partnership_id", "name", name="uq_action_plan_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="active")  # active | closed
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    partnership: Mapped[Partnership] = relationship()
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])

    __mapper_args__ = {"version_id_col": version}

    def access_scope(self) -> Scope:
        return _partnership_scope(self.partnership)

    @classmethod
    def scope_clause(cls, agency_ids: set[int], partnership_ids: set[int]):
        return or_(cls.partnership_id.in_(partnership_ids),
                   cls.partnership.has(Partnership.agencies.any(Agency.id.in_(agency_ids))))


class Action(db.Model):
    """A SMART action: what is to be done, why (the finding), by whom and by when."""

    __tablename__ = "action_item"
    __table_args__ = (Index("ix_action_item_open", "status", "due_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("action_plan.id"), index=True)
    what: Mapped[str] = mapped_column(Text)
    why: Mapped[str] = mapped_column(Text)
    source_activity: Mapped[str] = mapped_column(String(40), default="core", index=True)
    source_ref: Mapped[str | None] = mapped_column(String(64))
    case_id: Mapped[str | None] = mapped_column(ForeignKey("case_record.id"), index=True)
    owner_agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    owner_team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"))
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    due_date: Mapped[date] = mapped_column(Date)
    priority: Mapped[str] = mapped_column(String(20), default="normal")
    status: Mapped[str] = mapped_column(String(30), default="open")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    completion_summary: Mapped[str | None] = mapped_column(Text)
    signed_off_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signed_off_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    sign_off_judgement: Mapped[str | None] = mapped_column(String(30))
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    partnership: Mapped[Partnership] = relationship()
    plan: Mapped[ActionPlan | None] = relationship()
    case: Mapped[Case | None] = relationship()
    owner_agency: Mapped[Agency] = relationship()
    owner_team: Mapped[Team | None] = relationship()
    owner_user: Mapped[User | None] = relationship(foreign_keys=[owner_user_id])
    completed_by: Mapped[User | None] = relationship(foreign_keys=[completed_by_id])
    signed_off_by: Mapped[User | None] = relationship(foreign_keys=[signed_off_by_id])
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])
    entries: Mapped[list[ActionEntry]] = relationship(
        back_populates="action", order_by="ActionEntry.id", cascade="all, delete-orphan")
    review: Mapped[ActionReview | None] = relationship(
        back_populates="action", cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}

    @property
    def reference(self) -> str:
        """How people and emails name the action (never identity)."""
        return f"ACT-{self.id:05d}"

    @property
    def case_code(self) -> str | None:
        return self.case.code if self.case is not None else None

    def access_scope(self) -> Scope:
        return Scope(frozenset({self.owner_agency_id}), frozenset({self.partnership_id}))

    @classmethod
    def scope_clause(cls, agency_ids: set[int], partnership_ids: set[int]):
        return or_(cls.owner_agency_id.in_(agency_ids), cls.partnership_id.in_(partnership_ids))


class ActionEntry(db.Model):
    """One thing that happened to an action, with who and when: raised, a progress note,
    evidence, completed, signed off, returned, cancelled, changed, reviewed."""

    __tablename__ = "action_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action_item.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    text: Mapped[str | None] = mapped_column(Text)
    judgement: Mapped[str | None] = mapped_column(String(30))
    attachment_id: Mapped[str | None] = mapped_column(ForeignKey("case_attachment.id"))

    action: Mapped[Action] = relationship(back_populates="entries")
    user: Mapped[User | None] = relationship()


class ActionReview(db.Model):
    """A signed-off action picked at random to be revisited: did it make a difference?"""

    __tablename__ = "action_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action_item.id"), unique=True)
    selected_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(String(30))
    notes: Mapped[str | None] = mapped_column(Text)

    action: Mapped[Action] = relationship(back_populates="review")
    reviewer: Mapped[User | None] = relationship()


class ActionEscalation(db.Model):
    """An overdue notice sent for an action: level 0 to its owner, then one row per step up the
    management line. The unique key is what makes the overdue job idempotent; a new due date
    starts a new series."""

    __tablename__ = "action_escalation"
    __table_args__ = (UniqueConstraint("action_id", "due_date", "level",
                                       name="uq_action_escalation_step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action_item.id"), index=True)
    due_date: Mapped[date] = mapped_column(Date)
    level: Mapped[int] = mapped_column(Integer)
    recipient_ids: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
