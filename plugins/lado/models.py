"""The LADO plugin's tables (all prefixed `lado_`).

The adult's role and employer are sealed like a child's identity (AES-GCM under the
partnership's data key, bound to table, column and row). The adult and the employer also get an
HMAC blind index, so reports can count repeats by a pseudonymous key without anyone seeing who.
The adult's name is never stored at all: it is typed only to compute that key.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.toolkit import (
    Agency,
    Case,
    EncryptedFields,
    Model,
    Partnership,
    Scope,
    User,
    UTCDateTime,
    utcnow,
)

SEALED = ("adult_role", "employer")


def new_id() -> str:
    return uuid.uuid4().hex


def _partnership_scope(partnership: Partnership) -> Scope:
    return Scope(frozenset(a.id for a in partnership.agencies), frozenset({partnership.id}))


class LadoReferral(EncryptedFields, Model):
    """One allegation referred to the LADO: the minimum needed to audit how it was handled."""

    __tablename__ = "lado_referral"
    __encrypted__ = SEALED

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    reference: Mapped[str] = mapped_column(String(24), unique=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    lado_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    referral_date: Mapped[date] = mapped_column(Date, index=True)
    referrer_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    sector: Mapped[str] = mapped_column(String(30), index=True)
    adult_role_enc: Mapped[str | None] = mapped_column(Text)
    employer_enc: Mapped[str | None] = mapped_column(Text)
    adult_key: Mapped[str | None] = mapped_column(String(64), index=True)
    employer_key: Mapped[str | None] = mapped_column(String(64), index=True)
    category: Mapped[str] = mapped_column(String(20))
    decision: Mapped[str | None] = mapped_column(String(20))
    decision_date: Mapped[date | None] = mapped_column(Date)
    strategy_held: Mapped[bool | None] = mapped_column(Boolean)
    strategy_date: Mapped[date | None] = mapped_column(Date)
    s47_enquiry: Mapped[bool | None] = mapped_column(Boolean)
    s47_date: Mapped[date | None] = mapped_column(Date)
    police_investigation: Mapped[bool | None] = mapped_column(Boolean)
    police_date: Mapped[date | None] = mapped_column(Date)
    hr_process: Mapped[bool | None] = mapped_column(Boolean)
    hr_date: Mapped[date | None] = mapped_column(Date)
    dbs_referral: Mapped[bool | None] = mapped_column(Boolean)
    dbs_date: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str | None] = mapped_column(String(20))
    outcome_date: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    partnership: Mapped[Partnership] = relationship()
    lado: Mapped[User | None] = relationship(foreign_keys=[lado_id])
    referrer_agency: Mapped[Agency | None] = relationship()
    children: Mapped[list[LadoReferralChild]] = relationship(
        back_populates="referral", cascade="all, delete-orphan",
        order_by="LadoReferralChild.case_id")

    __mapper_args__ = {"version_id_col": version}

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("id", new_id())  # the id binds the sealed fields, so set it at once
        super().__init__(**kwargs)

    @property
    def concluded(self) -> bool:
        return self.outcome is not None or self.decision == "not_met"

    @property
    def case_codes(self) -> list[str]:
        return sorted(link.case.code for link in self.children)

    def access_scope(self) -> Scope:
        return _partnership_scope(self.partnership)


class LadoReferralChild(Model):
    """A child in a referral, by their coded case (never by name)."""

    __tablename__ = "lado_referral_child"
    referral_id: Mapped[str] = mapped_column(ForeignKey("lado_referral.id"), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("case_record.id"), primary_key=True,
                                         index=True)
    referral: Mapped[LadoReferral] = relationship(back_populates="children")
    case: Mapped[Case] = relationship()


class LadoAdultReveal(Model):
    """A live reveal of a referral's sealed fields to one person, with the reason code."""

    __tablename__ = "lado_reveal"
    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[str] = mapped_column(ForeignKey("lado_referral.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    reason_code: Mapped[str] = mapped_column(String(30))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class LadoSetting(Model):
    """A partnership's timeliness targets (working days) and annual sample size."""

    __tablename__ = "lado_setting"
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), primary_key=True)
    decision_days: Mapped[int] = mapped_column(Integer)
    strategy_days: Mapped[int] = mapped_column(Integer)
    outcome_days: Mapped[int] = mapped_column(Integer)
    long_running_days: Mapped[int] = mapped_column(Integer)
    sample_mode: Mapped[str] = mapped_column(String(12))
    sample_value: Mapped[int] = mapped_column(Integer)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class LadoAuditCycle(Model):
    """An annual audit: a stratified sample of the year's referrals, each audited once."""

    __tablename__ = "lado_audit_cycle"
    __table_args__ = (UniqueConstraint("partnership_id", "title"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(24), unique=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    sample_mode: Mapped[str] = mapped_column(String(12))
    sample_value: Mapped[int] = mapped_column(Integer)
    population: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    partnership: Mapped[Partnership] = relationship()
    audits: Mapped[list[LadoAudit]] = relationship(back_populates="cycle",
                                               order_by="LadoAudit.reference")

    def access_scope(self) -> Scope:
        return _partnership_scope(self.partnership)


class LadoAudit(Model):
    """The audit of one referral by one auditor against a version of the LADO audit tool."""

    __tablename__ = "lado_audit"
    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(24), unique=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    referral_id: Mapped[str] = mapped_column(ForeignKey("lado_referral.id"), index=True)
    cycle_id: Mapped[int | None] = mapped_column(ForeignKey("lado_audit_cycle.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))  # annual | ad_hoc
    reason: Mapped[str | None] = mapped_column(String(300))  # why an ad hoc audit
    auditor_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    tool_key: Mapped[str] = mapped_column(String(100))
    tool_version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12), default="allocated")
    answers: Mapped[str | None] = mapped_column(Text)  # JSON {question code: answer}
    domain_grades: Mapped[str | None] = mapped_column(Text)  # JSON {domain code: grade}
    overall_grade: Mapped[str | None] = mapped_column(String(30))
    limited: Mapped[bool] = mapped_column(Boolean, default=False)
    override_reason: Mapped[str | None] = mapped_column(Text)
    learning: Mapped[str | None] = mapped_column(Text)
    allocated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    allocated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    partnership: Mapped[Partnership] = relationship()
    referral: Mapped[LadoReferral] = relationship()
    cycle: Mapped[LadoAuditCycle | None] = relationship(back_populates="audits")
    auditor: Mapped[User] = relationship(foreign_keys=[auditor_id])

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_open(self) -> bool:
        return self.status == "allocated"

    def access_scope(self) -> Scope:
        return _partnership_scope(self.partnership)
