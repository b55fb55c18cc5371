"""People, agencies, partnerships, teams and memberships.

Every model that users list or open has `access_scope()` (which agencies and partnerships an
object belongs to) and `scope_clause()` (the same, as SQL), so `core.identity.access` can check
one object or filter a whole query with the same rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_login import UserMixin
from sqlalchemy import Column, ForeignKey, String, Table, UniqueConstraint, or_
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.timeutil import UTCDateTime, utcnow


@dataclass(frozen=True)
class Scope:
    """Which agencies and partnerships an object belongs to."""

    agency_ids: frozenset[int]
    partnership_ids: frozenset[int]


class AgencyScoped:
    """A mixin for rows that belong to one agency in one partnership (the columns are the
    model's own): what `require` and `scoped` need to place them, in one place."""

    agency_id: Mapped[int]
    partnership_id: Mapped[int]

    def access_scope(self) -> Scope:
        return Scope(frozenset({self.agency_id}), frozenset({self.partnership_id}))

    @classmethod
    def scope_clause(cls, agency_ids: set[int], partnership_ids: set[int]) -> Any:
        return or_(cls.agency_id.in_(agency_ids), cls.partnership_id.in_(partnership_ids))


agency_partnership = Table(
    "agency_partnership",
    db.metadata,
    Column("agency_id", ForeignKey("agency.id", ondelete="CASCADE"), primary_key=True),
    Column("partnership_id", ForeignKey("partnership.id", ondelete="CASCADE"), primary_key=True),
)


class Partnership(db.Model):
    """A Local Safeguarding Children Partnership: the tenant."""

    __tablename__ = "partnership"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    code_prefix: Mapped[str] = mapped_column(String(4), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    agencies: Mapped[list[Agency]] = relationship(
        secondary=agency_partnership, back_populates="partnerships", order_by="Agency.name"
    )

    def access_scope(self) -> Scope:
        return Scope(frozenset(a.id for a in self.agencies), frozenset({self.id}))

    @classmethod
    def scope_clause(cls, agency_ids: set[int], partnership_ids: set[int]):
        return or_(cls.id.in_(partnership_ids), cls.agencies.any(Agency.id.in_(agency_ids)))


class Agency(db.Model):
    """An organisation in one or more partnerships: children's services, police, health..."""

    __tablename__ = "agency"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    type: Mapped[str] = mapped_column(String(40))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    partnerships: Mapped[list[Partnership]] = relationship(
        secondary=agency_partnership, back_populates="agencies", order_by="Partnership.name"
    )
    teams: Mapped[list[Team]] = relationship(back_populates="agency", order_by="Team.name")

    def access_scope(self) -> Scope:
        return Scope(frozenset({self.id}), frozenset(p.id for p in self.partnerships))

    @classmethod
    def scope_clause(cls, agency_ids: set[int], partnership_ids: set[int]):
        in_partnership = cls.partnerships.any(Partnership.id.in_(partnership_ids))
        return or_(cls.id.in_(agency_ids), in_partnership)


class Team(db.Model):
    """A team or service inside an agency (MASH, assessment, children in care...)."""

    __tablename__ = "team"
    __table_args__ = (UniqueConstraint("agency_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    service_area: Mapped[str | None] = mapped_column(String(100))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"))
    agency: Mapped[Agency] = relationship(back_populates="teams")
    parent: Mapped[Team | None] = relationship(remote_side=[id])

    def access_scope(self) -> Scope:
        return Scope(frozenset({self.agency_id}), self.agency.access_scope().partnership_ids)

    @classmethod
    def scope_clause(cls, agency_ids: set[int], partnership_ids: set[int]):
        return or_(
            cls.agency_id.in_(agency_ids),
            cls.agency.has(Agency.partnerships.any(Partnership.id.in_(partnership_ids))),
        )


class User(UserMixin, db.Model):
    """A person who signs in. Passwords are argon2id hashes; the TOTP secret is encrypted."""

    __tablename__ = "user_account"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    mfa_secret_enc: Mapped[str | None] = mapped_column(String(255))
    mfa_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_totp_step: Mapped[int | None] = mapped_column()
    recovery_codes: Mapped[str | None] = mapped_column(String(2000))
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan", foreign_keys="Membership.user_id"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login asks this before every request
        return self.active and not self.is_expired

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= utcnow()

    @property
    def mfa_enabled(self) -> bool:
        return self.mfa_enabled_at is not None

    def access_scope(self) -> Scope:
        agencies = {m.agency_id for m in self.memberships if m.agency_id}
        partnerships = {m.partnership_id for m in self.memberships if m.partnership_id}
        for m in self.memberships:
            if m.agency is not None:
                partnerships |= {p.id for p in m.agency.partnerships}
        return Scope(frozenset(agencies), frozenset(partnerships))

    @classmethod
    def scope_clause(cls, agency_ids: set[int], partnership_ids: set[int]):
        return cls.memberships.any(
            or_(
                Membership.agency_id.in_(agency_ids),
                Membership.partnership_id.in_(partnership_ids),
                Membership.agency.has(Agency.partnerships.any(Partnership.id.in_(partnership_ids))),
            )
        )


class Membership(db.Model):
    """A person holding a role in an agency (optionally a team) or across a partnership."""

    __tablename__ = "membership"
    __table_args__ = (
        UniqueConstraint("user_id", "role", "agency_id", "team_id", "partnership_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    role: Mapped[str] = mapped_column(String(40))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"))
    partnership_id: Mapped[int | None] = mapped_column(ForeignKey("partnership.id"))
    line_manager_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user: Mapped[User] = relationship(back_populates="memberships", foreign_keys=[user_id])
    agency: Mapped[Agency | None] = relationship()
    team: Mapped[Team | None] = relationship()
    partnership: Mapped[Partnership | None] = relationship()
    line_manager: Mapped[User | None] = relationship(foreign_keys=[line_manager_id])

    def access_scope(self) -> Scope:
        return self.user.access_scope()


class UserSession(db.Model):
    """A signed-in browser session, so logout and 'sign out everywhere' work on the server."""

    __tablename__ = "user_session"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of the cookie token
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    user_agent: Mapped[str | None] = mapped_column(String(200))
    user: Mapped[User] = relationship()


class SecurityEvent(db.Model):
    """Sign-in, lockout, MFA, CSRF and authorisation events (never passwords or identity)."""

    __tablename__ = "security_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    event: Mapped[str] = mapped_column(String(40), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    ip: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str | None] = mapped_column(String(500))
