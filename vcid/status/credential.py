"""Status entries and status list credentials (Bitstring Status List v1.0 §2).

* :func:`status_entry` builds a ``BitstringStatusListEntry`` (§2.1) for a
  credential's ``credentialStatus``; :func:`parse_status_entry` reads one.
* :func:`status_list_credential` builds an unsigned
  ``BitstringStatusListCredential`` (§2.2), :func:`sign_status_list` signs
  it with a Data Integrity proof, and :func:`parse_status_list` reads one.
* :func:`status_list_commitment` is what an issuer appends to its log for
  each list version: SHA-256 of the JCS form (RFC 8785) of the signed list.

Every term used here is defined by the VC v2 context, which carries the
status list vocabulary: no extra context is needed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final, Literal

from vcid._json import JsonObject, JsonValue
from vcid.errors import StatusEntryError, StatusListError, UsageError, VcidError
from vcid.jsonld import JsonLdProcessor
from vcid.ledger.entry import credential_commitment
from vcid.model import (
    V2_CONTEXT,
    format_datetime,
    is_url,
    require_aware,
    validate_credential,
)
from vcid.proofs.signing import DEFAULT_SUITES, SigningKey, sign_assertion
from vcid.status.bitstring import MAX_STATUS_SIZE

ENTRY_TYPE: Final = "BitstringStatusListEntry"
LIST_CREDENTIAL_TYPE: Final = "BitstringStatusListCredential"
LIST_TYPE: Final = "BitstringStatusList"

StatusPurpose = Literal["revocation", "suspension", "message", "refresh"]
#: The purposes the spec defines (§2.1 ``statusPurpose``).
STATUS_PURPOSES: Final[tuple[StatusPurpose, ...]] = (
    "revocation",
    "suspension",
    "message",
    "refresh",
)
#: The message a missing-child flag carries (status ``0x1`` of a message list).
MISSING_CHILD_MESSAGE: Final = "reported missing: refer to child-protection authorities"
#: The message of status ``0x0`` (no flag) in the default message scheme.
NO_ALERT_MESSAGE: Final = "no alert"
#: Status ``0x2`` of :data:`CHILD_ALERT_MESSAGES`: guardianship is contested.
CUSTODY_DISPUTE_MESSAGE: Final = "custody disputed: confirm guardianship with the issuing authority"
#: Status ``0x3`` of :data:`CHILD_ALERT_MESSAGES`: a court forbids travel.
TRAVEL_BAN_MESSAGE: Final = "court order restricts travel: refer to border authorities"
#: The most ``statusReference`` URLs accepted on one entry.
MAX_REFERENCES: Final = 16
#: The largest ``ttl`` accepted, in milliseconds (one year).
MAX_TTL_MS: Final = 366 * 24 * 3600 * 1000
#: The longest ``statusListIndex`` text (an index below 2**64).
MAX_INDEX_DIGITS: Final = 20
_DIGITS = re.compile(r"(?:0|[1-9][0-9]*)", re.ASCII)
_HEX_STATUS = re.compile(r"0x[0-9a-fA-F]+", re.ASCII)


@dataclass(frozen=True, slots=True, kw_only=True)
class StatusMessage:
    """One ``statusMessage`` item: a status value and what it means (§2.1)."""

    status: int
    message: str

    def __post_init__(self) -> None:
        if not isinstance(self.status, int) or isinstance(self.status, bool) or self.status < 0:
            raise UsageError("a status message's status must be a non-negative integer")
        if not isinstance(self.message, str) or not self.message:
            raise UsageError("a status message must be a non-empty string")

    def to_json(self) -> JsonObject:
        return {"status": f"0x{self.status:x}", "message": self.message}


#: The default message scheme: one bit, "no alert" or "reported missing".
DEFAULT_MESSAGES: Final = (
    StatusMessage(status=0, message=NO_ALERT_MESSAGE),
    StatusMessage(status=1, message=MISSING_CHILD_MESSAGE),
)


#: A two-bit message scheme (``statusSize`` 2) for registrar alerts about a child.
CHILD_ALERT_MESSAGES: Final = (
    StatusMessage(status=0, message=NO_ALERT_MESSAGE),
    StatusMessage(status=1, message=MISSING_CHILD_MESSAGE),
    StatusMessage(status=2, message=CUSTODY_DISPUTE_MESSAGE),
    StatusMessage(status=3, message=TRAVEL_BAN_MESSAGE),
)


# --- status entries -------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class StatusEntry:
    """A parsed ``BitstringStatusListEntry`` (§2.1)."""

    purpose: str
    index: int
    list_url: str
    status_size: int = 1
    messages: tuple[StatusMessage, ...] = ()
    reference: tuple[str, ...] = ()
    id: str | None = None

    def message_for(self, value: int) -> str | None:
        """The issuer's message for status ``value``, if the entry gives one."""
        for item in self.messages:
            if item.status == value:
                return item.message
        return None


def _check_messages(messages: Sequence[StatusMessage], status_size: int) -> None:
    """§2.1: one message per possible value, each value exactly once."""
    if len(messages) != 1 << status_size:
        raise StatusEntryError(
            f"statusMessage must list {1 << status_size} messages for statusSize {status_size}"
        )
    if sorted(m.status for m in messages) != list(range(1 << status_size)):
        raise StatusEntryError("statusMessage must give each possible status exactly once")


def status_entry(
    *,
    list_url: str,
    index: int,
    purpose: StatusPurpose,
    status_size: int = 1,
    messages: Sequence[StatusMessage] | None = None,
    reference: str | Sequence[str] | None = None,
) -> JsonObject:
    """Build a ``BitstringStatusListEntry`` (§2.1).

    The entry's ``id`` is ``<list_url>#<index>`` (the spec's examples; it is
    never the list's own URL). For ``purpose="message"`` the entry carries
    ``statusSize`` and ``statusMessage`` (the default scheme is
    :data:`DEFAULT_MESSAGES`); other purposes carry them only if given.

    :param list_url: the status list credential's URL.
    :param index: the entry's index in that list.
    :param purpose: ``revocation``, ``suspension``, ``message`` or ``refresh``.
    :param status_size: bits per entry (1 to 8).
    :param messages: one message per possible value (2**status_size).
    :param reference: an optional ``statusReference``: a URL, or several
        (written as an array), where the meaning of the statuses is explained.
    :raises UsageError: for a bad URL, index, purpose, size or messages.
    """
    if not isinstance(list_url, str) or not is_url(list_url):
        raise UsageError("list_url must be a URL")
    if not isinstance(index, int) or isinstance(index, bool) or index < 0:
        raise UsageError("index must be a non-negative integer")
    if purpose not in STATUS_PURPOSES:
        raise UsageError(f"purpose must be one of {', '.join(STATUS_PURPOSES)}")
    if (
        not isinstance(status_size, int)
        or isinstance(status_size, bool)
        or not 1 <= status_size <= MAX_STATUS_SIZE
    ):
        raise UsageError(f"status_size must be an integer from 1 to {MAX_STATUS_SIZE}")
    if messages is None and purpose == "message":
        messages = DEFAULT_MESSAGES if status_size == 1 else None
        if messages is None:
            raise UsageError("a multi-bit message entry needs its messages")
    if messages is None and status_size > 1:
        raise UsageError("an entry with statusSize > 1 needs statusMessage (§2.1)")
    entry: JsonObject = {
        "id": f"{list_url}#{index}",
        "type": ENTRY_TYPE,
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }
    if messages is not None:
        try:
            _check_messages(messages, status_size)
        except StatusEntryError as exc:
            raise UsageError(str(exc)) from None
        entry["statusSize"] = status_size
        entry["statusMessage"] = [m.to_json() for m in sorted(messages, key=lambda m: m.status)]
    elif status_size != 1:  # pragma: no cover - excluded above
        entry["statusSize"] = status_size
    if reference is not None:
        urls = [reference] if isinstance(reference, str) else list(reference)
        if (
            not urls
            or len(urls) > MAX_REFERENCES
            or not all(isinstance(u, str) and is_url(u) for u in urls)
        ):
            raise UsageError("reference must be a URL or a non-empty sequence of URLs")
        listed: list[JsonValue] = list(urls)
        entry["statusReference"] = reference if isinstance(reference, str) else listed
    return entry


def parse_status_entry(entry: Mapping[str, object]) -> StatusEntry:
    """Read and check a ``BitstringStatusListEntry`` (§2.1).

    :param entry: one item of a credential's ``credentialStatus``.
    :raises StatusEntryError: if it is not a well-formed entry; the message
        names the property, never its value.
    """
    if not isinstance(entry, Mapping):
        raise StatusEntryError("a status entry must be an object")
    types = entry.get("type")
    names = [types] if isinstance(types, str) else types
    if not isinstance(names, list) or ENTRY_TYPE not in names:
        raise StatusEntryError(f"the status entry's type is not {ENTRY_TYPE}")
    purpose = entry.get("statusPurpose")
    if not isinstance(purpose, str) or not purpose:
        raise StatusEntryError("statusPurpose must be a non-empty string")
    raw_index = entry.get("statusListIndex")
    if (
        not isinstance(raw_index, str)
        or len(raw_index) > MAX_INDEX_DIGITS
        or not _DIGITS.fullmatch(raw_index)
    ):
        raise StatusEntryError("statusListIndex must be a base-10 integer string")
    list_url = entry.get("statusListCredential")
    if not isinstance(list_url, str) or not is_url(list_url):
        raise StatusEntryError("statusListCredential must be a URL")
    entry_id = entry.get("id")
    if entry_id is not None and (not isinstance(entry_id, str) or not is_url(entry_id)):
        raise StatusEntryError("the status entry's id must be a URL")
    if entry_id == list_url:
        raise StatusEntryError("the status entry's id must not be the status list's URL")
    status_size = entry.get("statusSize", 1)
    if (
        not isinstance(status_size, int)
        or isinstance(status_size, bool)
        or not 1 <= status_size <= MAX_STATUS_SIZE
    ):
        raise StatusEntryError(f"statusSize must be an integer from 1 to {MAX_STATUS_SIZE}")
    messages = _parse_messages(entry.get("statusMessage"), status_size)
    return StatusEntry(
        purpose=purpose,
        index=int(raw_index),
        list_url=list_url,
        status_size=status_size,
        messages=messages,
        reference=_parse_reference(entry.get("statusReference")),
        id=entry_id if isinstance(entry_id, str) else None,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class MessageScheme:
    """What a multi-valued entry means: ``statusSize``, ``statusMessage``, ``statusReference``."""

    status_size: int
    messages: tuple[StatusMessage, ...]
    reference: tuple[str, ...] = ()


def parse_message_scheme(document: Mapping[str, object]) -> MessageScheme:
    """Read a message scheme written with the entry's terms (§2.1).

    For example ``{"statusSize": 2, "statusMessage": [{"status": "0x0",
    "message": "no alert"}, ...], "statusReference": "https://..."}``:
    ``statusSize`` defaults to 1, ``statusMessage`` must give one message
    per possible value, ``statusReference`` is optional.

    :raises StatusEntryError: for a bad size, an incomplete message table
        or a reference that is not a URL.
    """
    if not isinstance(document, Mapping):
        raise StatusEntryError("a message scheme must be an object")
    status_size = document.get("statusSize", 1)
    if (
        not isinstance(status_size, int)
        or isinstance(status_size, bool)
        or not 1 <= status_size <= MAX_STATUS_SIZE
    ):
        raise StatusEntryError(f"statusSize must be an integer from 1 to {MAX_STATUS_SIZE}")
    if document.get("statusMessage") is None:
        raise StatusEntryError("a message scheme needs its statusMessage")
    return MessageScheme(
        status_size=status_size,
        messages=_parse_messages(document.get("statusMessage"), status_size),
        reference=_parse_reference(document.get("statusReference")),
    )


def _parse_reference(value: object) -> tuple[str, ...]:
    """§2.1 ``statusReference``: "a URL or an array of URLs"."""
    if value is None:
        return ()
    urls = [value] if isinstance(value, str) else value
    if (
        not isinstance(urls, list)
        or not urls
        or len(urls) > MAX_REFERENCES
        or not all(isinstance(u, str) and is_url(u) for u in urls)
    ):
        raise StatusEntryError("statusReference must be a URL or an array of URLs")
    return tuple(str(u) for u in urls)


def _parse_messages(value: object, status_size: int | None) -> tuple[StatusMessage, ...]:
    """Read ``statusMessage`` items; with a size, check there is one per value."""
    if value is None:
        if status_size is not None and status_size > 1:
            raise StatusEntryError("statusMessage is required when statusSize is over 1")
        return ()
    if not isinstance(value, list) or len(value) > 1 << MAX_STATUS_SIZE:
        raise StatusEntryError("statusMessage must be an array")
    messages: list[StatusMessage] = []
    for item in value:
        if not isinstance(item, Mapping):
            raise StatusEntryError("each statusMessage must be an object")
        status, message = item.get("status"), item.get("message")
        if not isinstance(status, str) or len(status) > 6 or not _HEX_STATUS.fullmatch(status):
            raise StatusEntryError("statusMessage status must be a hexadecimal string (0x...)")
        if not isinstance(message, str) or not message:
            raise StatusEntryError("statusMessage message must be a non-empty string")
        messages.append(StatusMessage(status=int(status, 16), message=message))
    if status_size is not None:
        _check_messages(messages, status_size)
    return tuple(sorted(messages, key=lambda m: m.status))


# --- status list credentials -----------------------------------------------------


def status_list_credential(
    *,
    list_url: str,
    issuer: str,
    purpose: StatusPurpose | Sequence[StatusPurpose],
    encoded_list: str,
    valid_from: datetime,
    valid_until: datetime | None = None,
    ttl: timedelta | None = None,
) -> JsonObject:
    """Build an unsigned ``BitstringStatusListCredential`` (§2.2).

    :param list_url: the credential's ``id``: the URL it is published at.
    :param issuer: the issuer's DID (the issuer of the credentials it covers).
    :param purpose: the list's ``statusPurpose`` (one or several).
    :param encoded_list: the ``encodedList`` (see :class:`StatusBitstring`).
    :param valid_from: start of validity (aware).
    :param valid_until: end of validity (aware), if any.
    :param ttl: how long a verifier may cache the list (``ttl``, milliseconds).
    :raises UsageError: for a bad URL or purpose, naive datetimes, or a
        negative or over-long ``ttl``.
    """
    if not isinstance(list_url, str) or not is_url(list_url):
        raise UsageError("list_url must be a URL")
    purposes = [purpose] if isinstance(purpose, str) else list(purpose)
    if not purposes or any(p not in STATUS_PURPOSES for p in purposes):
        raise UsageError(f"purpose must be one or more of {', '.join(STATUS_PURPOSES)}")
    subject: JsonObject = {
        "id": f"{list_url}#list",
        "type": LIST_TYPE,
        "statusPurpose": purposes[0] if len(purposes) == 1 else list(purposes),
        "encodedList": encoded_list,
    }
    if ttl is not None:
        if not isinstance(ttl, timedelta) or not timedelta(0) <= ttl:
            raise UsageError("ttl must be a non-negative timedelta")
        milliseconds = int(ttl / timedelta(milliseconds=1))
        if milliseconds > MAX_TTL_MS:
            raise UsageError("ttl must be at most a year")
        subject["ttl"] = milliseconds
    credential: JsonObject = {
        "@context": [V2_CONTEXT],
        "id": list_url,
        "type": ["VerifiableCredential", LIST_CREDENTIAL_TYPE],
        "issuer": issuer,
        "validFrom": format_datetime(require_aware(valid_from, "valid_from")),
    }
    if valid_until is not None:
        credential["validUntil"] = format_datetime(require_aware(valid_until, "valid_until"))
    credential["credentialSubject"] = subject
    return credential


def sign_status_list(
    credential: Mapping[str, JsonValue],
    *,
    key: SigningKey,
    jsonld: JsonLdProcessor,
    created: datetime,
    cryptosuite: str | None = None,
) -> JsonObject:
    """Sign a status list credential with an ``assertionMethod`` proof.

    §3.1 "Generate Algorithm", last step. The credential is checked against
    the VC Data Model and, in safe mode, its contexts first; the caller's
    document is not changed.

    :param credential: an unsigned list from :func:`status_list_credential`.
    :param key: the issuer's key; its controller must be the list's issuer.
    :param jsonld: the JSON-LD processor.
    :param created: the proof's creation time (aware).
    :param cryptosuite: by default the RDFC suite for the key's type.
    :raises UsageError: if the issuer is not the key's controller.
    :raises DataModelError: if the credential breaks a data model rule.
    """
    view = validate_credential(credential)
    if view.issuer_id != key.controller:
        raise UsageError("the status list's issuer is not the controller of the signing key")
    return sign_assertion(
        credential,
        key=key,
        jsonld=jsonld,
        created=require_aware(created, "created"),
        cryptosuite=cryptosuite,
    )


def status_list_commitment(signed_list: Mapping[str, JsonValue]) -> bytes:
    """SHA-256 of the JCS form of a signed status list credential (32 bytes).

    This is what the issuer appends to its log for each list version, so a
    verifier holding a list can check it is one the issuer published.

    :raises CanonicalizationError: if the document cannot be put in JCS form.
    """
    return credential_commitment(signed_list)


@dataclass(frozen=True, slots=True, kw_only=True)
class StatusListView:
    """The fields of a status list credential a verifier acts on (§2.2)."""

    id: str
    issuer_id: str
    purposes: tuple[str, ...]
    encoded_list: str
    valid_from: datetime | None
    valid_until: datetime | None
    ttl: timedelta | None
    #: The list's own ``statusSize``, if it states one (§2.2, ``message`` lists).
    status_size: int | None = None
    #: The list's own ``statusMessages``, if it states them (§2.2).
    messages: tuple[StatusMessage, ...] | None = None


def parse_status_list(document: Mapping[str, JsonValue]) -> StatusListView:
    """Read a ``BitstringStatusListCredential`` (§2.2), without its proof.

    :param document: the status list credential as parsed JSON.
    :raises StatusListError: if it is not a well-formed status list credential
        (data model, types, subject, purposes, ``encodedList``, ``ttl``).
    """
    try:
        view = validate_credential(document)
    except VcidError as exc:
        raise StatusListError(f"the status list is not a valid credential: {exc}") from None
    if LIST_CREDENTIAL_TYPE not in view.types:
        raise StatusListError(f"the status list's type does not include {LIST_CREDENTIAL_TYPE}")
    if view.id is None:
        raise StatusListError("the status list credential has no id")
    subject = view.raw.get("credentialSubject")
    if not isinstance(subject, Mapping):
        raise StatusListError("the status list's credentialSubject must be one object")
    subject_type = subject.get("type")
    subject_types = [subject_type] if isinstance(subject_type, str) else subject_type
    if not isinstance(subject_types, list | tuple) or LIST_TYPE not in subject_types:
        raise StatusListError(f"the status list's credentialSubject type is not {LIST_TYPE}")
    raw_purpose = subject.get("statusPurpose")
    purposes = [raw_purpose] if isinstance(raw_purpose, str) else raw_purpose
    if (
        not isinstance(purposes, list | tuple)
        or not purposes
        or len(purposes) > len(STATUS_PURPOSES) * 4
        or not all(isinstance(p, str) and p for p in purposes)
    ):
        raise StatusListError("the status list's statusPurpose must be one or more strings")
    encoded = subject.get("encodedList")
    if not isinstance(encoded, str):
        raise StatusListError("the status list's encodedList must be a string")
    raw_ttl = subject.get("ttl")
    ttl: timedelta | None = None
    if raw_ttl is not None:
        if (
            not isinstance(raw_ttl, int)
            or isinstance(raw_ttl, bool)
            or not 0 <= raw_ttl <= MAX_TTL_MS
        ):
            raise StatusListError("the status list's ttl must be milliseconds (an integer)")
        ttl = timedelta(milliseconds=raw_ttl)
    status_size, messages = _list_scheme(subject)
    return StatusListView(
        id=view.id,
        issuer_id=view.issuer_id,
        purposes=tuple(str(p) for p in purposes),
        encoded_list=encoded,
        valid_from=view.valid_from,
        valid_until=view.valid_until,
        ttl=ttl,
        status_size=status_size,
        messages=messages,
    )


def _list_scheme(
    subject: Mapping[str, object],
) -> tuple[int | None, tuple[StatusMessage, ...] | None]:
    """A list's optional ``statusSize`` and ``statusMessages`` (§2.2), checked."""
    status_size = subject.get("statusSize")
    if status_size is not None and (
        not isinstance(status_size, int)
        or isinstance(status_size, bool)
        or not 1 <= status_size <= MAX_STATUS_SIZE
    ):
        raise StatusListError(
            f"the status list's statusSize must be an integer from 1 to {MAX_STATUS_SIZE}"
        )
    raw = subject.get("statusMessages")
    if raw is None:
        return status_size, None
    try:
        messages = _parse_messages(raw, status_size)
    except StatusEntryError as exc:
        raise StatusListError(f"the status list's statusMessages: {exc}") from None
    return status_size, messages


__all__ = [
    "CHILD_ALERT_MESSAGES",
    "CUSTODY_DISPUTE_MESSAGE",
    "DEFAULT_MESSAGES",
    "DEFAULT_SUITES",
    "ENTRY_TYPE",
    "LIST_CREDENTIAL_TYPE",
    "LIST_TYPE",
    "MAX_REFERENCES",
    "MISSING_CHILD_MESSAGE",
    "NO_ALERT_MESSAGE",
    "STATUS_PURPOSES",
    "TRAVEL_BAN_MESSAGE",
    "MessageScheme",
    "SigningKey",
    "StatusEntry",
    "StatusListView",
    "StatusMessage",
    "StatusPurpose",
    "parse_message_scheme",
    "parse_status_entry",
    "parse_status_list",
    "sign_status_list",
    "status_entry",
    "status_list_commitment",
    "status_list_credential",
]
