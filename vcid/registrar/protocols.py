"""What a registrar is given: a status allocator and a commitment log.

Both are implemented elsewhere (the Bitstring Status List store and the
transparency log); the registrar only needs these two methods.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from vcid._json import JsonObject


class StatusAllocator(Protocol):
    """Gives a credential its ``credentialStatus`` entries (Bitstring Status List §2.1).

    Returns ``BitstringStatusListEntry`` objects (one per status purpose,
    such as revocation and suspension). Idempotent per credential id: asking
    again for the same id returns the same entries.
    """

    def allocate(self, credential_id: str) -> list[JsonObject]: ...


class CommitmentLog(Protocol):
    """An append-only log of credential commitments (see :mod:`vcid.registrar.commitment`).

    Returns the leaf index. Idempotent for the same commitment: appending it
    again returns the index it already has.
    """

    def append_credential(self, commitment: bytes, *, issued_at: datetime) -> int: ...


__all__ = ["CommitmentLog", "StatusAllocator"]
