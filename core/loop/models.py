"""Closing-the-loop records, their dated updates and the actions they are linked to."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer, String, Table, Text, or_
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.actions.models import Action
from core.extensions import db
from core.identity.models import Agency, Partnership, Scope, User
from core.timeutil import UTCDateTime, utcnow

loop_record_action = Table(
    "loop_record_action",
    db.metadata,
    Column("record_id", ForeignKey("loop_record.id", ondelete="CASCADE"), primary_key=True),
    Column("action_id", ForeignKey("action_item.id", ondelete="CASCADE"), primary_key=True),
)


class LoopRecord(db.Model):
    """One closing-the-loop record of a partnership. `version` is an optimistic lock: the
    record is written by several people over months."""

    __tablename__ = "loop_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    context: Mapped[str | None] = mapped_column(Text)
    drivers: Mapped[str | None] = mapped_column(Text)
    data: Mapped[str | None] = mapped_column(Text)
    known_risks: Mapped[str | None] = mapped_column(Text)
    goal: Mapped[str | None] = mapped_column(Text)
    measure: Mapped[str | None] = mapped_column(Text)
    activity: Mapped[str | None] = mapped_column(Text)
    sharing: Mapped[str | None] = mapped_column(Text)
    feedback: Mapped[str | None] = mapped_column(Text)
    review_outcome: Mapped[str | None] = mapped_column(Text)
    findings: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    partnership: Mapped[Partnership] = relationship()
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])
    actions: Mapped[list[Action]] = relationship(secondary=loop_record_action,
                                                 order_by="Action.id")
    updates: Mapped[list[LoopUpdate]] = relationship(
        back_populates="record", order_by="LoopUpdate.id", cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}

    def access_scope(self) -> Scope:
        p = self.partnership
        return Scope(frozenset(a.id for a in p.agencies), frozenset({p.id}))

    @classmethod
    def scope_clause(cls, agency_ids: set[int], partnership_ids: set[int]):
        return or_(cls.partnership_id.in_(partnership_ids),
                   cls.partnership.has(Partnership.agencies.any(Agency.id.in_(agency_ids))))


class LoopUpdate(db.Model):
    """A dated update on a record ("Updates" in the template), with who wrote it."""

    __tablename__ = "loop_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("loop_record.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    text: Mapped[str] = mapped_column(Text)

    record: Mapped[LoopRecord] = relationship(back_populates="updates")
    user: Mapped[User | None] = relationship()
