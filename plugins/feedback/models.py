"""The plugin's tables: links, responses, their themes, "you said, we did", disclosure alerts
and each agency's duty inbox.

Every row carries the partnership, agency and team of the case it is about (copied when it is
made), so scoping is one SQL condition and reports need no join through cases. Links keep a
hash of their token, never the token: a stolen database cannot open a child's form.
"""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.toolkit import Agency, AgencyScoped, Case, Model, Scope, Team, User, UTCDateTime, utcnow


def new_id() -> str:
    return uuid.uuid4().hex


class Placed(AgencyScoped):
    """Rows that belong to a case's partnership, agency and team."""

    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)

    def place_from(self, case: Case) -> None:
        self.partnership_id, self.agency_id, self.team_id = (
            case.partnership_id, case.agency_id, case.team_id)


class FeedbackLink(Placed, Model):
    """A single-use link to a question set, for one case and occasion, until `expires_at`."""

    __tablename__ = "feedback_link"
    __table_args__ = (UniqueConstraint("created_by_id", "request_key"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("case_record.id"), index=True)
    audience: Mapped[str] = mapped_column(String(20))
    occasion: Mapped[str] = mapped_column(String(30))
    tool_key: Mapped[str] = mapped_column(String(100))
    tool_version: Mapped[int] = mapped_column(Integer)
    request_key: Mapped[str] = mapped_column(String(64))  # one link per press of "Create"
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case: Mapped[Case] = relationship()
    created_by: Mapped[User | None] = relationship()

    def status(self, now: datetime) -> str:
        """"answered", "withdrawn", "expired" or "waiting"."""
        if self.used_at is not None:
            return "answered"
        if self.withdrawn_at is not None:
            return "withdrawn"
        return "expired" if self.expires_at <= now else "waiting"


class FeedbackResponse(Placed, Model):
    """What a child, young person, parent or carer told us: a form answered through a link, a
    call staff recorded, or a call another activity shared. Free text is stored as plain text
    and only ever shown escaped."""

    __tablename__ = "feedback_response"
    __table_args__ = (UniqueConstraint("activity", "reference"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    link_id: Mapped[str | None] = mapped_column(ForeignKey("feedback_link.id"), unique=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("case_record.id"), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    audience: Mapped[str | None] = mapped_column(String(20))
    occasion: Mapped[str | None] = mapped_column(String(30))
    tool_key: Mapped[str | None] = mapped_column(String(100))
    tool_version: Mapped[int | None] = mapped_column(Integer)
    answers_json: Mapped[str | None] = mapped_column(Text)
    rating: Mapped[float | None] = mapped_column(Float)  # 0 (worst) to 10 (best)
    with_whom: Mapped[str | None] = mapped_column(String(20))
    outcome: Mapped[str | None] = mapped_column(String(20))
    summary: Mapped[str | None] = mapped_column(Text)
    contacted_on: Mapped[date | None] = mapped_column(Date)
    activity: Mapped[str | None] = mapped_column(String(40))
    reference: Mapped[str | None] = mapped_column(String(60))
    asked_to_talk: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    text_destroyed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    tagged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    tagged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    case: Mapped[Case] = relationship()
    team: Mapped[Team | None] = relationship()
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])
    tagged_by: Mapped[User | None] = relationship(foreign_keys=[tagged_by_id])
    themes: Mapped[list[ResponseTheme]] = relationship(
        cascade="all, delete-orphan", order_by="ResponseTheme.theme")
    alert: Mapped[DisclosureAlert | None] = relationship(back_populates="response")

    __mapper_args__ = {"version_id_col": version}

    @property
    def answers(self) -> dict[str, Any]:
        return json.loads(self.answers_json) if self.answers_json else {}

    @answers.setter
    def answers(self, value: dict[str, Any]) -> None:
        self.answers_json = json.dumps(value, ensure_ascii=False)

    @property
    def theme_names(self) -> list[str]:
        return [t.theme for t in self.themes]


class ResponseTheme(Model):
    """A theme staff tagged a response with."""

    __tablename__ = "feedback_response_theme"

    response_id: Mapped[str] = mapped_column(
        ForeignKey("feedback_response.id", ondelete="CASCADE"), primary_key=True)
    theme: Mapped[str] = mapped_column(String(60), primary_key=True)


class YouSaidWeDid(Placed, Model):
    """What children and families said and what changed because of it."""

    __tablename__ = "feedback_you_said"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[str | None] = mapped_column(ForeignKey("feedback_response.id"))
    theme: Mapped[str] = mapped_column(String(60))
    you_said: Mapped[str] = mapped_column(Text)
    we_did: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    agency: Mapped[Agency] = relationship()
    team: Mapped[Team | None] = relationship()
    response: Mapped[FeedbackResponse | None] = relationship()


class DisclosureAlert(Placed, Model):
    """Feedback that may be a disclosure of harm, or a child asking to talk now: it must be
    acknowledged the same working day (workflow `feedback.disclosure`)."""

    __tablename__ = "feedback_alert"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    response_id: Mapped[str] = mapped_column(ForeignKey("feedback_response.id"), unique=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("case_record.id"), index=True)
    reasons: Mapped[str] = mapped_column(String(100))  # "phrase talk unsafe", space separated
    phrases: Mapped[str | None] = mapped_column(Text)  # from our list, never the child's text
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    action_taken: Mapped[str | None] = mapped_column(Text)
    workflow_id: Mapped[int | None] = mapped_column(ForeignKey("workflow_instance.id"))

    case: Mapped[Case] = relationship()
    response: Mapped[FeedbackResponse] = relationship(back_populates="alert")
    acknowledged_by: Mapped[User | None] = relationship()

    @property
    def reason_keys(self) -> list[str]:
        return self.reasons.split()

    @property
    def phrase_list(self) -> list[str]:
        return [p for p in (self.phrases or "").split("\n") if p]


class DutyInbox(Model):
    """An agency's duty mailbox (MASH or front door), emailed at once about every alert."""

    __tablename__ = "feedback_duty_inbox"

    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), primary_key=True)
    mailbox: Mapped[str | None] = mapped_column(String(254))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    agency: Mapped[Agency] = relationship()

    def access_scope(self) -> Scope:
        return self.agency.access_scope()
