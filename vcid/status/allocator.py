"""Allocate status entries to credentials as they are issued.

:class:`StatusListAllocator` gives a credential one ``BitstringStatusListEntry``
per configured purpose (by default revocation, suspension, and a one-bit
message list for missing-child alerts), at a random free index of the open
list for that purpose. It is idempotent: the same credential id always gets
the same entries. It satisfies the registrar's ``StatusAllocator`` protocol
(``allocate(credential_id) -> list[JsonObject]``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from vcid._json import JsonObject
from vcid.errors import UsageError
from vcid.status.bitstring import MAX_STATUS_SIZE, MIN_ENTRIES
from vcid.status.credential import (
    DEFAULT_MESSAGES,
    STATUS_PURPOSES,
    StatusMessage,
    StatusPurpose,
    status_entry,
)
from vcid.status.store import Allocation, ListSpec, StatusStore

#: The purposes a credential gets entries for unless told otherwise.
DEFAULT_PURPOSES: Final[tuple[StatusPurpose, ...]] = ("revocation", "suspension", "message")


class StatusListAllocator:
    """Allocates status entries from a :class:`StatusStore`.

    :param store: the issuer's status store.
    :param base_url: the URL under which lists are published; list ``n`` of
        purpose ``p`` is ``<base_url>/<p>/<n>``.
    :param purposes: the purposes each credential gets an entry for.
    :param list_size: entries per list (at least 131,072, the spec's minimum
        for herd privacy, §6.1).
    :param message_status_size: bits per entry of ``message`` lists.
    :param messages: the ``statusMessage`` scheme of ``message`` entries: one
        message per possible value; by default "no alert" (0x0) and
        "reported missing: refer to child-protection authorities" (0x1);
        :data:`~vcid.status.credential.CHILD_ALERT_MESSAGES` is a two-bit one.
    :param message_reference: the ``statusReference`` of ``message`` entries:
        a URL (or several) where the registrar explains its messages (§2.1
        "strongly encouraged" for the ``message`` purpose).
    :param allow_small_lists_for_testing: accept a ``list_size`` below the
        minimum. For tests only: a small list gives no herd privacy (it is
        still published padded to 131,072 entries).
    :raises UsageError: for a bad option.
    """

    def __init__(
        self,
        store: StatusStore,
        *,
        base_url: str,
        purposes: Sequence[StatusPurpose] = DEFAULT_PURPOSES,
        list_size: int = MIN_ENTRIES,
        message_status_size: int = 1,
        messages: Sequence[StatusMessage] = DEFAULT_MESSAGES,
        message_reference: str | Sequence[str] | None = None,
        allow_small_lists_for_testing: bool = False,
    ) -> None:
        if isinstance(purposes, str) or not purposes:
            raise UsageError("purposes must be a non-empty sequence of purposes")
        if any(p not in STATUS_PURPOSES for p in purposes) or len(set(purposes)) != len(purposes):
            raise UsageError(f"purposes must be distinct, from {', '.join(STATUS_PURPOSES)}")
        if not isinstance(list_size, int) or isinstance(list_size, bool) or list_size < 1:
            raise UsageError("list_size must be a positive integer")
        if list_size < MIN_ENTRIES and not allow_small_lists_for_testing:
            raise UsageError(
                f"list_size must be at least {MIN_ENTRIES} (Bitstring Status List herd privacy)"
            )
        if not isinstance(message_status_size, int) or not 1 <= message_status_size <= (
            MAX_STATUS_SIZE
        ):
            raise UsageError(f"message_status_size must be from 1 to {MAX_STATUS_SIZE}")
        scheme = tuple(sorted(messages, key=lambda m: m.status))
        if [m.status for m in scheme] != list(range(1 << message_status_size)):
            raise UsageError(
                f"messages must give each of the {1 << message_status_size} statuses once"
            )
        reference = (
            message_reference
            if message_reference is None or isinstance(message_reference, str)
            else tuple(message_reference)
        )
        self._store = store
        self._base_url = base_url
        self._specs = tuple(
            ListSpec(
                purpose=p,
                capacity=list_size,
                status_size=message_status_size if p == "message" else 1,
                messages=scheme if p == "message" else (),
                reference=reference if p == "message" else None,
            )
            for p in purposes
        )
        self._purposes = {spec.purpose for spec in self._specs}

    def __repr__(self) -> str:
        purposes = ", ".join(s.purpose for s in self._specs)
        return f"StatusListAllocator({purposes})"

    def allocate(self, credential_id: str) -> list[JsonObject]:
        """The credential's status entries, allocating them on first call.

        :param credential_id: the credential's ``id`` (or another stable,
            unique key the issuer uses for it).
        :returns: one ``BitstringStatusListEntry`` per purpose, for
            ``credentialStatus``; the same entries on every call.
        :raises UsageError: for an empty or over-long id.
        """
        return self.allocate_many([credential_id])[credential_id]

    def allocate_many(self, credential_ids: Sequence[str]) -> dict[str, list[JsonObject]]:
        """Allocate entries for many credentials in one transaction (bulk issuance).

        :returns: each credential id's entries.
        :raises UsageError: for bad ids or too many at once.
        """
        if isinstance(credential_ids, str):
            raise UsageError("credential_ids must be a sequence of ids")
        found = self._store.allocate(credential_ids, specs=self._specs, base_url=self._base_url)
        return {
            cid: [
                _entry(a)
                for a in sorted(allocations, key=lambda a: _order(a.purpose))
                if a.purpose in self._purposes
            ]
            for cid, allocations in found.items()
        }


def _order(purpose: str) -> int:
    return STATUS_PURPOSES.index(purpose) if purpose in STATUS_PURPOSES else len(STATUS_PURPOSES)


def _entry(allocation: Allocation) -> JsonObject:
    purpose = allocation.purpose
    if purpose not in STATUS_PURPOSES:  # pragma: no cover - the store holds spec purposes
        raise UsageError("unknown status purpose in the store")
    return status_entry(
        list_url=allocation.list_url,
        index=allocation.index,
        purpose=purpose,
        status_size=allocation.status_size,
        messages=allocation.messages or None,
        reference=allocation.reference,
    )


__all__ = ["DEFAULT_PURPOSES", "StatusListAllocator"]
