"""Cases (one child, optionally in a sibling group), their sealed identity, and withheld-
information records. Non-identifying attributes are kept in clear for analysis."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.crypto.fields import EncryptedFields
from core.extensions import db
from core.identity.models import Agency, AgencyScoped, Partnership, Scope, Team, User
from core.timeutil import UTCDateTime, utcnow

IDENTITY_FIELDS = ("name", "date_of_birth", "record_id", "nhs_number", "alias")


def new_id() -> str:
    return uuid.uuid4().hex


class SiblingGroup(db.Model):
    __tablename__ = "sibling_group"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Case(AgencyScoped, EncryptedFields, db.Model):
    """A coded case. Identity lives only in the `*_enc` columns, sealed to this row."""

    __tablename__ = "case_record"
    __encrypted__ = IDENTITY_FIELDS
    __table_args__ = (UniqueConstraint("partnership_id", "record_id_index"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    sibling_group_id: Mapped[str | None] = mapped_column(ForeignKey("sibling_group.id"))
    name_enc: Mapped[str | None] = mapped_column(Text)
    date_of_birth_enc: Mapped[str | None] = mapped_column(Text)
    record_id_enc: Mapped[str | None] = mapped_column(Text)
    nhs_number_enc: Mapped[str | None] = mapped_column(Text)
    alias_enc: Mapped[str | None] = mapped_column(Text)
    record_id_index: Mapped[str | None] = mapped_column(String(64))
    age_band: Mapped[str | None] = mapped_column(String(10))
    sex: Mapped[str | None] = mapped_column(String(20))
    ethnicity: Mapped[str | None] = mapped_column(String(10))
    disability: Mapped[bool | None] = mapped_column(Boolean)
    cohort: Mapped[str | None] = mapped_column(String(30))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"))
    practitioner_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    legal_hold: Mapped[bool] = mapped_column(default=False)
    destroyed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    partnership: Mapped[Partnership] = relationship()
    agency: Mapped[Agency] = relationship()
    team: Mapped[Team | None] = relationship()
    practitioner: Mapped[User | None] = relationship(foreign_keys=[practitioner_id])
    sibling_group: Mapped[SiblingGroup | None] = relationship()

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("id", new_id())  # the id binds the ciphertexts, so set it at once
        super().__init__(**kwargs)



class WithheldInformation(db.Model):
    """An agency recorded that it withheld something from an audit, and why; never the thing."""

    __tablename__ = "withheld_information"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("case_record.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    context: Mapped[str | None] = mapped_column(String(100))  # e.g. the audit or activity code
    basis: Mapped[str] = mapped_column(String(30))
    decided_by: Mapped[str] = mapped_column(String(200))  # role or title, as the agency records it
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CaseAssignment(db.Model):
    """Someone is working on a case in an activity (e.g. an auditor on an open audit).

    An open assignment (no `closed_at`) lets its holder see the case and reveal its identity;
    closing it ends both. `activity` is a plugin key or "core"; `reference` is the activity's own
    code for the piece of work (an audit code), never identity.
    """

    __tablename__ = "case_assignment"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("case_record.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    activity: Mapped[str] = mapped_column(String(40))
    reference: Mapped[str] = mapped_column(String(40))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case: Mapped[Case] = relationship()
    user: Mapped[User] = relationship()


class Reveal(db.Model):
    """A live reveal: until `expires_at` the case page shows this user the identity."""

    __tablename__ = "case_reveal"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("case_record.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    reason_code: Mapped[str] = mapped_column(String(30))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


# --- Evidence files, bulk coding and retention -------------------------------------------------


class SealedFile(EncryptedFields):
    """Columns of a file kept encrypted on disk (evidence, documents). The content is under
    the file's own key; that key and the original name are sealed to the row like identity.
    After destruction the row stays as a tombstone (type, size and dates) and the file is
    gone."""

    __encrypted__ = ("filename", "file_key")

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    filename_enc: Mapped[str | None] = mapped_column(Text)
    file_key_enc: Mapped[str | None] = mapped_column(Text)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column()
    sha256: Mapped[str | None] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(64), unique=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    destroyed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("id", new_id())  # the id binds the sealed fields and the file's chunks
        super().__init__(**kwargs)


class Attachment(SealedFile, db.Model):
    """An evidence file on a case."""

    __tablename__ = "case_attachment"

    case_id: Mapped[str] = mapped_column(ForeignKey("case_record.id"), index=True)

    case: Mapped[Case] = relationship()
    uploaded_by: Mapped[User | None] = relationship()

    def access_scope(self) -> Scope:
        return self.case.access_scope()


class CaseImport(EncryptedFields, db.Model):
    """A CSV of cases between "Check file" and "Import": the file is held encrypted on disk
    (its key sealed here) and deleted once imported or after an hour. Rows keep no identity."""

    __tablename__ = "case_import"
    __encrypted__ = ("file_key",)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    rows: Mapped[int] = mapped_column(default=0)
    storage_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    file_key_enc: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="checked")
    imported: Mapped[int] = mapped_column(default=0)
    problem: Mapped[str | None] = mapped_column(String(300))
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    partnership: Mapped[Partnership] = relationship()
    agency: Mapped[Agency] = relationship()

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("id", new_id())
        super().__init__(**kwargs)

    def access_scope(self) -> Scope:
        return Scope(frozenset({self.agency_id}), frozenset({self.partnership_id}))


class CaseImportItem(db.Model):
    """Which cases an import coded (its result page lists them)."""

    __tablename__ = "case_import_item"
    import_id: Mapped[str] = mapped_column(ForeignKey("case_import.id"), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("case_record.id"), primary_key=True)


class RetentionSetting(db.Model):
    """A partnership's own retention period; without a row, config `RETENTION_YEARS` applies."""

    __tablename__ = "retention_setting"
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), primary_key=True)
    years: Mapped[int] = mapped_column()
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class DestructionRecord(db.Model):
    """That something was destroyed, when, and what kinds of thing: never what it said."""

    __tablename__ = "destruction_record"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_code: Mapped[str] = mapped_column(String(40), index=True)
    what: Mapped[str] = mapped_column(String(200))
    run_id: Mapped[str] = mapped_column(String(32), index=True)
