"""The tables behind workflows: instances, their transition log, SLA clocks and alerts.

An instance points at a plugin's object by `subject_type` + `subject_id` (an opaque string),
so core never imports plugin models. `version` is an optimistic lock: two people firing a
transition on the same instance at once cannot both succeed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint, or_
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.identity.models import Scope
from core.timeutil import UTCDateTime, utcnow


class WorkflowInstance(db.Model):
    """One run of a workflow for one subject (an audit, an alert, a dispute...)."""

    __tablename__ = "workflow_instance"
    __table_args__ = (Index("ix_workflow_instance_subject", "subject_type", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workflow: Mapped[str] = mapped_column(String(100), index=True)
    subject_type: Mapped[str] = mapped_column(String(60))
    subject_id: Mapped[str] = mapped_column(String(64))
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"))
    state: Mapped[str] = mapped_column(String(60))
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    clocks: Mapped[list[SlaClock]] = relationship(
        back_populates="instance", order_by="SlaClock.id", cascade="all, delete-orphan")
    log: Mapped[list[TransitionLog]] = relationship(
        order_by="TransitionLog.id", cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}

    def access_scope(self) -> Scope:
        agencies = frozenset({self.agency_id}) if self.agency_id else frozenset()
        return Scope(agencies, frozenset({self.partnership_id}))

    @classmethod
    def scope_clause(cls, agency_ids: set[int], partnership_ids: set[int]):
        return or_(cls.agency_id.in_(agency_ids), cls.partnership_id.in_(partnership_ids))


class TransitionLog(db.Model):
    """Who moved an instance from which state to which, and when ("start" opens it)."""

    __tablename__ = "workflow_transition"
    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("workflow_instance.id"), index=True)
    transition: Mapped[str] = mapped_column(String(60))
    from_state: Mapped[str | None] = mapped_column(String(60))
    to_state: Mapped[str] = mapped_column(String(60))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str | None] = mapped_column(Text)


class SlaClock(db.Model):
    """A deadline running while an instance is in a state.

    `next_check_at` is the next moment the sweep has something to do for this clock (remind,
    breach or escalate); None when nothing is left, so the sweep reads an index, not every
    clock. `version` stops two sweeps that overlap from both sending the same alert.
    """

    __tablename__ = "workflow_sla_clock"
    __table_args__ = (Index("ix_workflow_sla_clock_open", "stopped_at", "next_check_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("workflow_instance.id"), index=True)
    rule: Mapped[str] = mapped_column(String(60))
    state: Mapped[str] = mapped_column(String(60))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    remind_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    breached: Mapped[bool] = mapped_column(default=False)
    next_check_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    instance: Mapped[WorkflowInstance] = relationship(back_populates="clocks")

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_open(self) -> bool:
        return self.stopped_at is None


class WorkflowAlert(db.Model):
    """A reminder or escalation sent for a clock: the record that makes the sweep idempotent
    and says what each person was told (their inbox holds the notification itself).

    `recipient_user_id` is None when nobody on the management line could be found; the alert
    is still recorded so the gap shows up rather than vanishing.
    """

    __tablename__ = "workflow_alert"
    __table_args__ = (UniqueConstraint("clock_id", "kind", "level", "recipient_user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clock_id: Mapped[int] = mapped_column(ForeignKey("workflow_sla_clock.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # "reminder" | "escalation"
    level: Mapped[int] = mapped_column(Integer, default=0)
    role: Mapped[str | None] = mapped_column(String(40))
    recipient_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
