"""A model mixin for encrypted fields, and the registry rotation walks.

A model lists its encrypted fields in `__encrypted__`; each is stored in a `<field>_enc` text
column. The row's primary key must be set before a field is sealed (it is part of the binding).
"""

from __future__ import annotations

from typing import Any, ClassVar

from core.crypto import envelope

REGISTRY: list[type] = []


def encrypted_models() -> list[type]:
    return list(REGISTRY)


class EncryptedFields:
    """Mixin: `seal(field, value)` encrypts into `<field>_enc`; `unseal(field)` decrypts."""

    __encrypted__: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        is_table = "__tablename__" in vars(cls)  # a mixin of sealed columns is not a table
        if cls.__encrypted__ and is_table and cls not in REGISTRY:
            REGISTRY.append(cls)

    def encryption_partnership_id(self) -> int:
        return self.partnership_id  # type: ignore[attr-defined]

    def _aad(self, field: str) -> bytes:
        if getattr(self, "id", None) is None:
            raise ValueError("Set the row's id before sealing an encrypted field.")
        return envelope.binding(self.__tablename__, field, self.id)  # type: ignore[attr-defined]

    def seal(self, field: str, value: str | None) -> None:
        token = None if value in (None, "") else envelope.encrypt(
            self.encryption_partnership_id(), self._aad(field), value)
        setattr(self, f"{field}_enc", token)

    def unseal(self, field: str) -> str | None:
        token = getattr(self, f"{field}_enc")
        return None if token is None else envelope.decrypt(self._aad(field), token)
