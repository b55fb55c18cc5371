"""The plugin's tables (all prefixed `practice_week_`).

A `PracticeWeek` belongs to one council (agency) in one partnership; its `WeekLeader`s are the
senior leaders taking part; an `Observation` is one leader (or manager) watching one
practitioner at one event, in a practice week or outside it (annual, ASYE). Observations are
OFFICIAL-SENSITIVE development records: who may read one is decided in `access.py`, not by the
agency scope alone. Family members are never named: "those present" holds roles only.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.toolkit import Agency, AgencyScoped, Case, Model, Team, User, UTCDateTime, utcnow


class PracticeWeek(AgencyScoped, Model):
    """A week of observations of practice planned by a council's QA team."""

    __tablename__ = "practice_week_week"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    theme: Mapped[str] = mapped_column(String(200))
    practitioner_views: Mapped[str | None] = mapped_column(Text)
    starts_on: Mapped[date] = mapped_column(Date, index=True)
    ends_on: Mapped[date] = mapped_column(Date)
    tool_key: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20), default="planning")
    learning: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    agency: Mapped[Agency] = relationship()
    leaders: Mapped[list[WeekLeader]] = relationship(
        back_populates="week", cascade="all, delete-orphan", order_by="WeekLeader.id")
    observations: Mapped[list[Observation]] = relationship(
        back_populates="week", order_by="Observation.starts_at")
    audits: Mapped[list[WeekAudit]] = relationship(back_populates="week",
                                                   order_by="WeekAudit.id")

    __mapper_args__ = {"version_id_col": version}

    @property
    def reference(self) -> str:
        return f"PW-{self.id:04d}"


class WeekLeader(Model):
    """A senior leader taking part in a practice week, and in which capacity."""

    __tablename__ = "practice_week_leader"
    __table_args__ = (UniqueConstraint("week_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    week_id: Mapped[int] = mapped_column(ForeignKey("practice_week_week.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    capacity: Mapped[str] = mapped_column(String(20))

    week: Mapped[PracticeWeek] = relationship(back_populates="leaders")
    user: Mapped[User] = relationship()


class Observation(AgencyScoped, Model):
    """One observation of practice, from scheduling to the practitioner's reflection."""

    __tablename__ = "practice_week_observation"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)
    week_id: Mapped[int | None] = mapped_column(ForeignKey("practice_week_week.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="practice_week")
    tool_key: Mapped[str] = mapped_column(String(100))
    observer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    event: Mapped[str] = mapped_column(String(30))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(String(20), default="scheduled")
    # consent (families only): written before the visit, confirmed verbally on the day
    written_consent_on: Mapped[date | None] = mapped_column(Date)
    consent_recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    with_family: Mapped[bool | None] = mapped_column(Boolean)
    verbal_consent: Mapped[bool | None] = mapped_column(Boolean)
    # the observer's record (Hillingdon App. B)
    observed_on: Mapped[date | None] = mapped_column(Date)
    verbal_feedback_on: Mapped[date | None] = mapped_column(Date)
    situation: Mapped[str | None] = mapped_column(Text)
    aim: Mapped[str | None] = mapped_column(Text)
    those_present: Mapped[str | None] = mapped_column(Text)
    feedback: Mapped[dict] = mapped_column(JSON, default=dict)  # standard -> {grade, evidence}
    positives: Mapped[str | None] = mapped_column(Text)
    development: Mapped[str | None] = mapped_column(Text)
    reflection_ability: Mapped[str | None] = mapped_column(Text)
    feedback_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # the practitioner's reflection
    reflection: Mapped[dict] = mapped_column(JSON, default=dict)
    reflected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    week: Mapped[PracticeWeek | None] = relationship(back_populates="observations")
    agency: Mapped[Agency] = relationship()
    team: Mapped[Team | None] = relationship()
    observer: Mapped[User] = relationship(foreign_keys=[observer_id])
    practitioner: Mapped[User] = relationship(foreign_keys=[practitioner_id])

    __mapper_args__ = {"version_id_col": version}

    @property
    def reference(self) -> str:
        return f"OBS-{self.id:05d}"

    @property
    def with_family_event(self) -> bool:
        from plugins.practice_week.vocab import FAMILY_EVENTS

        return self.event in FAMILY_EVENTS


class WeekAudit(AgencyScoped, Model):
    """A case audit done during a practice week with a chosen tool, and the family's view.

    The case is named by its code only; the grades follow the tool's domains."""

    __tablename__ = "practice_week_audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    week_id: Mapped[int] = mapped_column(ForeignKey("practice_week_week.id"), index=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("case_record.id"), index=True)
    tool_key: Mapped[str] = mapped_column(String(100))
    tool_version: Mapped[int] = mapped_column(Integer)
    auditor_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    domain_grades: Mapped[dict] = mapped_column(JSON, default=dict)
    overall: Mapped[str] = mapped_column(String(30))
    findings: Mapped[str | None] = mapped_column(Text)
    family_with: Mapped[str] = mapped_column(String(20))
    family_outcome: Mapped[str] = mapped_column(String(20))
    family_on: Mapped[date] = mapped_column(Date)
    family_summary: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    week: Mapped[PracticeWeek] = relationship(back_populates="audits")
    case: Mapped[Case] = relationship()
    auditor: Mapped[User] = relationship()

    __mapper_args__ = {"version_id_col": version}

    @property
    def reference(self) -> str:
        return f"PWA-{self.id:05d}"
