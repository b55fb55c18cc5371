"""A document: a file that belongs to a piece of work (an audit, a practice week), not a case.

Stored like case evidence: the content encrypted on disk under its own key, that key and the
original name sealed to this row under the partnership's data key. `owner` names the piece of
work as "<kind>:<reference>" so the owning plugin can list its documents without core knowing
its tables. After removal the row stays as a tombstone (type, size and dates) and the file goes.
"""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.cases.models import SealedFile
from core.extensions import db
from core.identity.models import Scope, User


class Document(SealedFile, db.Model):
    __tablename__ = "document"

    owner: Mapped[str] = mapped_column(String(80), index=True)

    uploaded_by: Mapped[User | None] = relationship()

    def access_scope(self) -> Scope:
        return Scope(frozenset(), frozenset({self.partnership_id}))
