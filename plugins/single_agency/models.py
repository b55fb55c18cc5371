"""The audit programme of a council, its cycles and the audits drawn in them.

Every table is scoped like a case: by the council (agency) and its partnership, so
`toolkit.scoped(...)` and `toolkit.require(...)` work on them unchanged. Draft grading lives in
JSON on the audit row, so every save updates that row and its `version` (optimistic locking)
catches two people saving the same audit; grades that count are appended to core's grade
history when a stage is finished.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.toolkit import Agency, AgencyScoped, Case, Model, Team, User, UTCDateTime, utcnow


class Programme(AgencyScoped, Model):
    """A council's audit programme: its schedule, sampling, allocation and follow-up settings."""

    __tablename__ = "single_agency_programme"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), unique=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    year_start_month: Mapped[int] = mapped_column(Integer, default=4)
    cycles_per_year: Mapped[int] = mapped_column(Integer, default=10)
    paused_months: Mapped[list] = mapped_column(JSON, default=list)
    practice_week_months: Mapped[list] = mapped_column(JSON, default=list)
    sample_per_team: Mapped[int] = mapped_column(Integer, default=2)
    exclude_recent_months: Mapped[int] = mapped_column(Integer, default=6)
    auditor_roles: Mapped[list] = mapped_column(JSON, default=list)
    quotas: Mapped[dict] = mapped_column(JSON, default=dict)
    max_per_auditor: Mapped[int] = mapped_column(Integer, default=2)
    require_expertise: Mapped[bool] = mapped_column(Boolean, default=False)
    moderation_rule: Mapped[str] = mapped_column(String(20), default="half")
    reaudit_after_months: Mapped[int] = mapped_column(Integer, default=3)
    reaudit_max_rounds: Mapped[int] = mapped_column(Integer, default=2)
    default_tool: Mapped[str] = mapped_column(String(100))
    service_tools: Mapped[dict] = mapped_column(JSON, default=dict)
    hos_review_inadequate: Mapped[bool] = mapped_column(Boolean, default=False)
    inadequate_share_warning: Mapped[int] = mapped_column(Integer, default=25)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    agency: Mapped[Agency] = relationship()

    __mapper_args__ = {"version_id_col": version}


class Cycle(AgencyScoped, Model):
    """One round of audits: the monthly cycle, or a themed, dip-sample, service-request or
    need-to-know audit alongside it. A practice-week month leaves a `replaced` cycle."""

    __tablename__ = "single_agency_cycle"
    __table_args__ = (UniqueConstraint("programme_id", "slot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("single_agency_programme.id"),
                                              index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    slot: Mapped[str | None] = mapped_column(String(7))  # "2026-03" for the monthly cycle
    title: Mapped[str] = mapped_column(String(200))
    theme: Mapped[str | None] = mapped_column(Text)
    criteria: Mapped[dict] = mapped_column(JSON, default=dict)
    opens_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    programme: Mapped[Programme] = relationship()
    agency: Mapped[Agency] = relationship()
    audits: Mapped[list[Audit]] = relationship(back_populates="cycle", order_by="Audit.id")


class Audit(AgencyScoped, Model):
    """One case file audit (or re-audit) of one coded case, against one tool version."""

    __tablename__ = "single_agency_audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(30), unique=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("single_agency_cycle.id"), index=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)
    practitioner_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    case_id: Mapped[str] = mapped_column(ForeignKey("case_record.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10), default="audit")
    round: Mapped[int] = mapped_column(Integer, default=0)
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("single_agency_audit.id"))
    auditor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    allocation_notes: Mapped[list] = mapped_column(JSON, default=list)
    tool_key: Mapped[str] = mapped_column(String(100))
    tool_version: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(20), default="proposed", index=True)
    due_on: Mapped[date] = mapped_column(Date)
    file_review: Mapped[dict] = mapped_column(JSON, default=dict)
    file_review_overall: Mapped[dict] = mapped_column(JSON, default=dict)
    file_review_done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    conversation_on: Mapped[date | None] = mapped_column(Date)
    conversation_with: Mapped[list] = mapped_column(JSON, default=list)
    conversation_notes: Mapped[str | None] = mapped_column(Text)
    after: Mapped[dict] = mapped_column(JSON, default=dict)
    after_overall: Mapped[dict] = mapped_column(JSON, default=dict)
    child_safety_concern: Mapped[bool | None] = mapped_column(Boolean)
    supervision_recent: Mapped[bool | None] = mapped_column(Boolean)
    safety_notes: Mapped[str | None] = mapped_column(Text)
    strengths: Mapped[str | None] = mapped_column(Text)
    development: Mapped[str | None] = mapped_column(Text)
    actions: Mapped[list] = mapped_column(JSON, default=list)
    qa_comments: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    final_grade: Mapped[str | None] = mapped_column(String(30))
    final_stage: Mapped[str | None] = mapped_column(String(30))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    cycle: Mapped[Cycle] = relationship(back_populates="audits")
    case: Mapped[Case] = relationship()
    team: Mapped[Team | None] = relationship()
    auditor: Mapped[User | None] = relationship(foreign_keys=[auditor_id])
    practitioner: Mapped[User | None] = relationship(foreign_keys=[practitioner_id])
    previous: Mapped[Audit | None] = relationship(remote_side=[id])
    contacts: Mapped[list[FamilyContact]] = relationship(
        order_by="FamilyContact.id", cascade="all, delete-orphan")
    moderation: Mapped[Moderation | None] = relationship(back_populates="audit")

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_open(self) -> bool:
        return self.state in ("allocated", "qa_check", "returned")


class FamilyContact(Model):
    """An attempt to hear from the family or child during an audit, and how it went."""

    __tablename__ = "single_agency_family_contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("single_agency_audit.id"), index=True)
    contact_with: Mapped[str] = mapped_column(String(20))
    outcome: Mapped[str] = mapped_column(String(20))
    by_whom: Mapped[str] = mapped_column(String(100))
    contacted_on: Mapped[date] = mapped_column(Date)
    summary: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SafetyAlert(AgencyScoped, Model):
    """An immediate-response alert raised during an audit: a concern for the child's safety,
    or no supervision recorded for six months (Sefton; Haringey Appendix B)."""

    __tablename__ = "single_agency_safety_alert"
    __table_args__ = (UniqueConstraint("audit_id", "reason"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("single_agency_audit.id"), index=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"))
    reason: Mapped[str] = mapped_column(String(20))
    details: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20), default="open")
    raised_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    resolution: Mapped[str | None] = mapped_column(Text)

    audit: Mapped[Audit] = relationship()


class Moderation(Model):
    """An audit chosen for moderation and, once done, the moderator's view of each grade."""

    __tablename__ = "single_agency_moderation"

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("single_agency_audit.id"), unique=True)
    selected_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    selected_because: Mapped[str] = mapped_column(String(20))
    moderator_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    outcomes: Mapped[dict] = mapped_column(JSON, default=dict)
    overall: Mapped[dict] = mapped_column(JSON, default=dict)
    meeting_on: Mapped[date | None] = mapped_column(Date)
    meeting_with: Mapped[str | None] = mapped_column(Text)
    meeting_notes: Mapped[str | None] = mapped_column(Text)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    audit: Mapped[Audit] = relationship(back_populates="moderation")
    moderator: Mapped[User | None] = relationship(foreign_keys=[moderator_id])

    __mapper_args__ = {"version_id_col": version}


class Dispute(AgencyScoped, Model):
    """A practitioner's or team manager's written challenge to an audit's grades, worked
    through Haringey's stages (2.11); the stage trail is the workflow's transition log."""

    __tablename__ = "single_agency_dispute"

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("single_agency_audit.id"), index=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"))
    raised_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    grounds: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20), default="informal_meeting")
    meeting_on: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str | None] = mapped_column(String(20))
    final_grade: Mapped[str | None] = mapped_column(String(30))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    audit: Mapped[Audit] = relationship()
    raised_by: Mapped[User] = relationship(foreign_keys=[raised_by_id])

    @property
    def is_open(self) -> bool:
        return self.state not in ("resolved", "withdrawn")


class Reaudit(Model):
    """A re-audit owed because an audit ended requires improvement or inadequate."""

    __tablename__ = "single_agency_reaudit"

    id: Mapped[int] = mapped_column(primary_key=True)
    original_id: Mapped[int] = mapped_column(ForeignKey("single_agency_audit.id"), unique=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("case_record.id"))
    round: Mapped[int] = mapped_column(Integer)
    due_on: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(20), default="planned")
    audit_id: Mapped[int | None] = mapped_column(ForeignKey("single_agency_audit.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    original: Mapped[Audit] = relationship(foreign_keys=[original_id])


class Escalation(Model):
    """Who was told, and why, when a re-audit came back at the same or a lower grade."""

    __tablename__ = "single_agency_escalation"
    __table_args__ = (UniqueConstraint("audit_id", "reason"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("single_agency_audit.id"), index=True)
    reason: Mapped[str] = mapped_column(String(40))
    level: Mapped[int] = mapped_column(Integer)
    roles: Mapped[list] = mapped_column(JSON, default=list)
    recipient_ids: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuditResponse(AgencyScoped, Model):
    """Closing the loop on an accepted audit (Haringey 2.8-2.9; Havering): who the report was
    shared with, and the discussion the team manager and practitioner recorded with the actions
    they agreed, due within 5 working days of an inadequate grade or 10 otherwise. With the
    council's Havering option, an inadequate audit also gets the head of service's review
    within 24 hours and a decision on a multi-disciplinary action meeting within 3 working days."""

    __tablename__ = "single_agency_response"

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("single_agency_audit.id"), unique=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"))
    grade: Mapped[str | None] = mapped_column(String(30))
    shared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    shared_with: Mapped[list] = mapped_column(JSON, default=list)
    due_on: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(20), default="awaiting")
    discussed_on: Mapped[date | None] = mapped_column(Date)
    discussion: Mapped[str | None] = mapped_column(Text)
    agreed: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    hos_review: Mapped[bool] = mapped_column(Boolean, default=False)
    hos_decision_due_on: Mapped[date | None] = mapped_column(Date)
    hos_reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hos_reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    hos_notes: Mapped[str | None] = mapped_column(Text)
    meeting_needed: Mapped[bool | None] = mapped_column(Boolean)
    meeting_decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    audit: Mapped[Audit] = relationship()

    __mapper_args__ = {"version_id_col": version}


class MakeADifference(AgencyScoped, Model):
    """A "Make a Difference" summary of what worked in an audit graded good or better
    (Sefton), drafted at acceptance for the QA team to edit and publish in the briefing."""

    __tablename__ = "single_agency_make_a_difference"

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("single_agency_audit.id"), unique=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"))
    summary: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20), default="draft")
    drafted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    audit: Mapped[Audit] = relationship()

    __mapper_args__ = {"version_id_col": version}
