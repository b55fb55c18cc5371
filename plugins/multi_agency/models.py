"""The tables of a multi-agency audit: the programme, its group and cases, each agency's
returns, the family's voice, the consultation meeting, the report and the tracking reviews.

Every table is prefixed `multi_agency_`. Cases are referred to by the core case row (shown
only as its code); free text is narrative about a coded case and is destroyed with the case.
Rows two people may edit at once carry a `version` (optimistic lock).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint, or_
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.toolkit import (
    Agency,
    Case,
    Document,
    Model,
    Partnership,
    Scope,
    User,
    UTCDateTime,
    utcnow,
)

STATUSES: dict[str, str] = {
    "planning": "Planning",
    "open": "Auditing",
    "consultation": "Consultation",
    "reported": "Reported: action plan tracked",
    "closed": "Closed",
    "destroyed": "Closed: audit pack destroyed",
}
STATUS_COLOURS = {"planning": "grey", "open": "blue", "consultation": "purple",
                  "reported": "turquoise", "closed": "green", "destroyed": "grey"}
ENDED = ("closed", "destroyed")  # nothing more is done to the audit
# Who the consultation meeting brings together (Hillingdon 5.4.2).
ATTENDEES: dict[str, str] = {
    "agency_partners": "Agency partners (the lead auditors)",
    "social_workers": "The children's social workers",
    "team_managers": "Their team managers",
    "reviewing_officer": "A member of the Reviewing Team (IRO or conference chair)",
    "participation_worker": "The participation worker who saw the children and families",
}


class MultiAgencyAudit(Model):
    """One audit on a theme from the board's work plan, owned by a sub-committee."""

    __tablename__ = "multi_agency_audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    theme: Mapped[str] = mapped_column(String(200))
    theme_key: Mapped[str] = mapped_column(String(200), index=True)
    terms_of_reference: Mapped[str] = mapped_column(Text)
    cohort: Mapped[str] = mapped_column(String(200))
    cases_min: Mapped[int] = mapped_column(default=8)
    cases_max: Mapped[int] = mapped_column(default=10)
    is_baseline: Mapped[bool] = mapped_column(default=False)
    sub_committee: Mapped[str] = mapped_column(String(200))
    pre_meeting_on: Mapped[date | None] = mapped_column(Date)
    submission_deadline: Mapped[date | None] = mapped_column(Date)
    consultation_on: Mapped[date | None] = mapped_column(Date)
    report_due_on: Mapped[date | None] = mapped_column(Date)
    tracking_months: Mapped[int] = mapped_column(default=12)
    status: Mapped[str] = mapped_column(String(20), default="planning")
    participation_worker_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    parent_voice_officer_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    action_plan_id: Mapped[int | None] = mapped_column(ForeignKey("action_plan.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    consultation_held_on: Mapped[date | None] = mapped_column(Date)
    consultation_attendees: Mapped[list | None] = mapped_column(JSON)  # keys of ATTENDEES
    consultation_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    partnership: Mapped[Partnership] = relationship()
    participation_worker: Mapped[User | None] = relationship(
        foreign_keys=[participation_worker_id])
    parent_voice_officer: Mapped[User | None] = relationship(
        foreign_keys=[parent_voice_officer_id])
    participants: Mapped[list[MultiAgencyParticipant]] = relationship(
        back_populates="audit", cascade="all, delete-orphan",
        order_by="MultiAgencyParticipant.id")
    cases: Mapped[list[MultiAgencyCase]] = relationship(
        back_populates="audit", cascade="all, delete-orphan", order_by="MultiAgencyCase.id")
    checkpoints: Mapped[list[MultiAgencyCheckpoint]] = relationship(
        cascade="all, delete-orphan", order_by="MultiAgencyCheckpoint.due_on")
    briefings: Mapped[list[MultiAgencyBriefing]] = relationship(
        cascade="all, delete-orphan", order_by="MultiAgencyBriefing.id")

    __mapper_args__ = {"version_id_col": version}

    @property
    def status_label(self) -> str:
        return STATUSES[self.status]

    @property
    def status_colour(self) -> str:
        return STATUS_COLOURS[self.status]

    @property
    def consultation_held(self) -> bool:
        """Before the meeting, an agency sees only its own returns."""
        return self.consultation_recorded_at is not None

    def participant(self, agency_id: int) -> MultiAgencyParticipant | None:
        return next((p for p in self.participants if p.agency_id == agency_id), None)

    def access_scope(self) -> Scope:
        return Scope(frozenset(p.agency_id for p in self.participants),
                     frozenset({self.partnership_id}))

    @classmethod
    def scope_clause(cls, agency_ids: set[int], partnership_ids: set[int]) -> Any:
        taking_part = cls.participants.any(MultiAgencyParticipant.agency_id.in_(agency_ids))
        return or_(cls.partnership_id.in_(partnership_ids), taking_part)


class MultiAgencyParticipant(Model):
    """An agency taking part, its lead auditor and the agency section of the tool it uses."""

    __tablename__ = "multi_agency_participant"
    __table_args__ = (UniqueConstraint("audit_id", "agency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("multi_agency_audit.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    lead_auditor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    nominated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    nominated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    audit: Mapped[MultiAgencyAudit] = relationship(back_populates="participants")
    agency: Mapped[Agency] = relationship()
    lead_auditor: Mapped[User | None] = relationship(foreign_keys=[lead_auditor_id])


class MultiAgencyCheckpoint(Model):
    """A date on the timetable when the coordinator checks who has submitted what."""

    __tablename__ = "multi_agency_checkpoint"

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("multi_agency_audit.id"), index=True)
    due_on: Mapped[date] = mapped_column(Date)
    label: Mapped[str] = mapped_column(String(200))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted: Mapped[int | None] = mapped_column()  # returns submitted when it was reviewed
    expected: Mapped[int | None] = mapped_column()


class MultiAgencyBriefing(Model):
    """Training or briefing material for the audit group: a title, notes, a link and an
    attached file (a core document, encrypted at rest, every download logged)."""

    __tablename__ = "multi_agency_briefing"

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("multi_agency_audit.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(500))
    document_id: Mapped[str | None] = mapped_column(ForeignKey("document.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    document: Mapped[Document | None] = relationship()


class MultiAgencyCase(Model):
    """A coded case the coordinator selected for the audit."""

    __tablename__ = "multi_agency_case"
    __table_args__ = (UniqueConstraint("audit_id", "case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("multi_agency_audit.id"), index=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("case_record.id"), index=True)
    selected_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    selected_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    audit: Mapped[MultiAgencyAudit] = relationship(back_populates="cases")
    case: Mapped[Case] = relationship()

    @property
    def code(self) -> str:
        return self.case.code


class MultiAgencyDeclaration(Model):
    """An auditor's statement about one case: no casework involvement, or a conflict.

    A conflict blocks that auditor on that case: no return, no identity reveal.
    """

    __tablename__ = "multi_agency_declaration"
    __table_args__ = (UniqueConstraint("audit_case_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_case_id: Mapped[int] = mapped_column(ForeignKey("multi_agency_case.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    conflict: Mapped[bool] = mapped_column()
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    audit_case: Mapped[MultiAgencyCase] = relationship()


class MultiAgencySubstitute(Model):
    """Another auditor of the agency for one case, where the lead auditor has a conflict."""

    __tablename__ = "multi_agency_substitute"
    __table_args__ = (UniqueConstraint("audit_case_id", "agency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_case_id: Mapped[int] = mapped_column(ForeignKey("multi_agency_case.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    named_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    named_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class MultiAgencyReturn(Model):
    """One agency's audit of its own involvement with one case (draft, then submitted)."""

    __tablename__ = "multi_agency_return"
    __table_args__ = (UniqueConstraint("audit_case_id", "agency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_case_id: Mapped[int] = mapped_column(ForeignKey("multi_agency_case.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    no_involvement: Mapped[bool] = mapped_column(default=False)
    core_tool_version: Mapped[int] = mapped_column()
    section_tool_key: Mapped[str | None] = mapped_column(String(100))
    section_tool_version: Mapped[int | None] = mapped_column()
    grades: Mapped[dict] = mapped_column(JSON, default=dict)
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    overall_chosen: Mapped[str | None] = mapped_column(String(30))
    overall: Mapped[str | None] = mapped_column(String(30))
    limited: Mapped[bool] = mapped_column(default=False)
    override_reason: Mapped[str | None] = mapped_column(Text)
    evidence: Mapped[str | None] = mapped_column(Text)
    what_worked: Mapped[str | None] = mapped_column(Text)
    what_did_not: Mapped[str | None] = mapped_column(Text)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reopen_reason: Mapped[str | None] = mapped_column(Text)
    reopen_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the auditor met the practitioner to give feedback on the audit and its grades
    # (Hillingdon Appendix E, 7): the learning then goes into their supervision.
    practitioner_feedback_on: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    audit_case: Mapped[MultiAgencyCase] = relationship()
    agency: Mapped[Agency] = relationship()

    __mapper_args__ = {"version_id_col": version}

    @property
    def submitted(self) -> bool:
        return self.status == "submitted"

    @property
    def partnership_id(self) -> int:
        """Where core's grade history places this return's grades (see `record_grading`)."""
        return self.audit_case.audit.partnership_id


class MultiAgencyVoice(Model):
    """The child's views (from the participation worker) or the parent's (from the QA officer)."""

    __tablename__ = "multi_agency_voice"
    __table_args__ = (UniqueConstraint("audit_case_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_case_id: Mapped[int] = mapped_column(ForeignKey("multi_agency_case.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # child | parent
    outcome: Mapped[str] = mapped_column(String(20))  # a key of FAMILY_CONTACT_OUTCOMES
    contacted_on: Mapped[date] = mapped_column(Date)
    views: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    recorded_by: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version}


class MultiAgencyFinding(Model):
    """What the consultation meeting agreed about one case, with any dissent noted."""

    __tablename__ = "multi_agency_finding"

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_case_id: Mapped[int] = mapped_column(ForeignKey("multi_agency_case.id"), unique=True)
    grades: Mapped[dict] = mapped_column(JSON, default=dict)
    overall: Mapped[str | None] = mapped_column(String(30))
    summary: Mapped[str | None] = mapped_column(Text)
    dissent: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    audit_case: Mapped[MultiAgencyCase] = relationship()

    __mapper_args__ = {"version_id_col": version}


class MultiAgencyTheme(Model):
    """A cross-agency theme or a piece of learning from the consultation meeting."""

    __tablename__ = "multi_agency_theme"

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("multi_agency_audit.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # theme | learning
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MultiAgencyReport(Model):
    """The coordinator's report: key outcomes, learning and recommendations overall."""

    __tablename__ = "multi_agency_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("multi_agency_audit.id"), unique=True)
    key_outcomes: Mapped[str | None] = mapped_column(Text)
    learning: Mapped[str | None] = mapped_column(Text)
    recommendations: Mapped[str | None] = mapped_column(Text)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}


class MultiAgencyAgencyReport(Model):
    """The report's part for one agency: its outcomes, learning and recommendations."""

    __tablename__ = "multi_agency_agency_report"
    __table_args__ = (UniqueConstraint("audit_id", "agency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("multi_agency_audit.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    key_outcomes: Mapped[str | None] = mapped_column(Text)
    learning: Mapped[str | None] = mapped_column(Text)
    recommendations: Mapped[str | None] = mapped_column(Text)

    agency: Mapped[Agency] = relationship()


class MultiAgencyReview(Model):
    """A sub-committee review of the action plan: RAG status and evidence of impact."""

    __tablename__ = "multi_agency_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("multi_agency_audit.id"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    rag: Mapped[str] = mapped_column(String(10))
    impact: Mapped[str] = mapped_column(Text)
    next_review_on: Mapped[date | None] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
