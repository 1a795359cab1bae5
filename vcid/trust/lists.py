"""Signed trust lists: build, sign and read a ``TrustListCredential``.

A trust list is a Verifiable Credential (VCDM 2.0) issued by an authority.
Its subject lists ``accreditation`` entries, one per accredited party::

    {
      "@context": ["https://www.w3.org/ns/credentials/v2", "https://w3id.org/vcid/v1"],
      "id": "urn:uuid:...",
      "type": ["VerifiableCredential", "TrustListCredential"],
      "issuer": "did:key:z6Mk...root",
      "validFrom": "2026-01-01T00:00:00Z",
      "validUntil": "2027-01-01T00:00:00Z",
      "credentialSubject": {
        "accreditation": [{
          "id": "did:key:z6Mk...national",
          "type": "Accreditation",
          "accreditedFor": ["TrustListCredential", "BirthCredential"],
          "jurisdiction": ["ZA"],
          "accreditedFrom": "2026-01-01T00:00:00Z",
          "accreditedUntil": "2030-01-01T00:00:00Z",
          "accreditationStatus": {"type": "BitstringStatusListEntry", ...}
        }]
      },
      "proof": {...}
    }

An authority accredited for ``TrustListCredential`` may publish a list of
its own, accrediting others within its own scope (see
:mod:`vcid.trust.registry`). See ``docs/decisions/0017-trust-lists.md``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

from vcid import _json
from vcid._json import JsonObject, JsonValue
from vcid.accreditation import TRUST_LIST_TYPE, check_jurisdiction
from vcid.canon.jcs import canonicalize as jcs_canonicalize
from vcid.errors import DataModelError, TrustListError, UsageError, VcidError
from vcid.jsonld import JsonLdProcessor
from vcid.model import format_datetime, parse_datetime, require_aware, validate_credential
from vcid.proofs.signing import SigningKey, sign_assertion

#: The contexts of a trust list.
CONTEXTS: Final = ("https://www.w3.org/ns/credentials/v2", "https://w3id.org/vcid/v1")
#: The type of one entry.
ACCREDITATION_TYPE: Final = "Accreditation"
#: The most entries one list may hold.
MAX_ACCREDITATIONS: Final = 10_000
#: The largest trust list document read.
MAX_LIST_BYTES: Final = 8 * 1024 * 1024


@dataclass(frozen=True, slots=True, kw_only=True)
class Accreditation:
    """One entry of a trust list: who may issue which types, where, when.

    :param entity: the accredited party's DID.
    :param credential_types: the credential types it may issue;
        ``TrustListCredential`` lets it accredit others in turn.
    :param jurisdictions: ISO 3166-1 alpha-2 or ISO 3166-2 codes.
    :param valid_from: start of the accreditation (aware), if bounded.
    :param valid_until: end of the accreditation (aware), if bounded.
    :param status: a ``BitstringStatusListEntry`` (revocation of this
        accreditation), on a list issued by the authority.
    :raises UsageError: for an empty scope, a bad code, naive or
        inverted dates.
    """

    entity: str
    credential_types: frozenset[str]
    jurisdictions: frozenset[str]
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    status: Mapping[str, object] | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.entity, str) or not self.entity.startswith("did:"):
            raise UsageError("an accredited entity is a DID")
        object.__setattr__(self, "credential_types", frozenset(self.credential_types))
        object.__setattr__(self, "jurisdictions", frozenset(self.jurisdictions))
        if not self.credential_types or any(
            not isinstance(t, str) or not t for t in self.credential_types
        ):
            raise UsageError("an accreditation names at least one credential type")
        if not self.jurisdictions:
            raise UsageError("an accreditation names at least one jurisdiction")
        for code in self.jurisdictions:
            check_jurisdiction(code)
        for name in ("valid_from", "valid_until"):
            value = getattr(self, name)
            if value is not None:
                require_aware(value, name)
        if (
            self.valid_from is not None
            and self.valid_until is not None
            and self.valid_until < self.valid_from
        ):
            raise UsageError("an accreditation cannot end before it starts")

    def to_json(self) -> JsonObject:
        """The entry as it appears in ``credentialSubject.accreditation``."""
        entry: JsonObject = {
            "id": self.entity,
            "type": ACCREDITATION_TYPE,
            "accreditedFor": list[JsonValue](sorted(self.credential_types)),
            "jurisdiction": list[JsonValue](sorted(self.jurisdictions)),
        }
        if self.valid_from is not None:
            entry["accreditedFrom"] = format_datetime(self.valid_from)
        if self.valid_until is not None:
            entry["accreditedUntil"] = format_datetime(self.valid_until)
        if self.status is not None:
            entry["accreditationStatus"] = _json.loads(_json.dumps(dict(self.status)))  # type: ignore[arg-type]
        return entry


@dataclass(frozen=True, slots=True, kw_only=True)
class TrustList:
    """A parsed (not yet verified) trust list.

    :param id: the list's ``id``.
    :param issuer: the authority that signed it.
    :param valid_from: start of the list's own validity.
    :param valid_until: end of the list's own validity.
    :param accreditations: its entries, in order.
    :param document: the signed document as read (what is verified).
    :param digest: SHA-256 of the document's JCS form: its identity in caches.
    """

    id: str
    issuer: str
    valid_from: datetime | None
    valid_until: datetime | None
    accreditations: tuple[Accreditation, ...]
    document: Mapping[str, JsonValue] = field(compare=False, repr=False)
    digest: bytes


def trust_list_credential(
    *,
    issuer: str,
    accreditations: Iterable[Accreditation],
    list_id: str,
    valid_from: datetime,
    valid_until: datetime | None = None,
) -> JsonObject:
    """Build an unsigned ``TrustListCredential``.

    :param issuer: the authority's DID (a trust anchor, or a party accredited
        for ``TrustListCredential``).
    :param accreditations: the entries.
    :param list_id: the list's ``id`` (a URL or ``urn:uuid:``).
    :param valid_from: start of the list's validity (aware).
    :param valid_until: end of the list's validity (aware): when a border
        kit must have a newer one.
    :raises UsageError: for bad arguments or too many entries.
    """
    entries = [a.to_json() for a in accreditations]
    if len(entries) > MAX_ACCREDITATIONS:
        raise UsageError(f"a trust list holds at most {MAX_ACCREDITATIONS} entries")
    if len({e["id"] for e in entries}) != len(entries):
        raise UsageError("a trust list names each entity once")
    if not isinstance(list_id, str) or ":" not in list_id:
        raise UsageError("list_id must be a URL or URN")
    credential: JsonObject = {
        "@context": list(CONTEXTS),
        "id": list_id,
        "type": ["VerifiableCredential", TRUST_LIST_TYPE],
        "issuer": issuer,
        "validFrom": format_datetime(require_aware(valid_from, "valid_from")),
    }
    if valid_until is not None:
        credential["validUntil"] = format_datetime(require_aware(valid_until, "valid_until"))
    credential["credentialSubject"] = {"accreditation": entries}  # type: ignore[dict-item]
    return credential


def sign_trust_list(
    credential: Mapping[str, JsonValue],
    *,
    key: SigningKey,
    jsonld: JsonLdProcessor,
    created: datetime,
    cryptosuite: str | None = None,
) -> JsonObject:
    """Sign a trust list with an ``assertionMethod`` Data Integrity proof.

    The list is parsed first (a malformed one is refused, not signed); any
    earlier proof is dropped, so an edited list is signed afresh.

    :param credential: an unsigned (or previously signed) trust list.
    :param key: the authority's key; its controller must be the list's issuer.
    :param jsonld: the JSON-LD processor (safe mode checks every term).
    :param created: the proof's creation time (aware).
    :param cryptosuite: by default the RDFC suite for the key's type.
    :raises UsageError: if the issuer is not the key's controller.
    :raises TrustListError: if the list is malformed.
    """
    unsigned = {k: v for k, v in credential.items() if k != "proof"}
    view = parse_trust_list(unsigned)
    if view.issuer != key.controller:
        raise UsageError("the trust list's issuer is not the controller of the signing key")
    return sign_assertion(
        unsigned,
        key=key,
        jsonld=jsonld,
        created=require_aware(created, "created"),
        cryptosuite=cryptosuite,
    )


def load_trust_list(data: bytes) -> TrustList:
    """Read a trust list from bytes (a file of a border kit).

    :raises TrustListError: if it is not strict JSON or not a trust list.
    """
    try:
        document = _json.load_object(data, max_bytes=MAX_LIST_BYTES)
    except VcidError as exc:
        raise TrustListError(f"the trust list is not JSON: {exc}") from None
    return parse_trust_list(document)


def parse_trust_list(document: Mapping[str, JsonValue]) -> TrustList:
    """Read a trust list's entries (its proof is verified by the registry).

    :raises TrustListError: for a data model error, a wrong type, or a
        malformed entry.
    """
    try:
        view = validate_credential(document)
    except DataModelError as exc:
        raise TrustListError(f"the trust list breaks the data model: {exc}") from None
    if TRUST_LIST_TYPE not in view.types:
        raise TrustListError(f"the credential is not a {TRUST_LIST_TYPE}")
    if view.id is None:
        raise TrustListError("a trust list must have an id")
    subject = document.get("credentialSubject")
    if not isinstance(subject, Mapping):
        raise TrustListError("a trust list has one credentialSubject")
    raw = subject.get("accreditation", [])
    entries = [raw] if isinstance(raw, Mapping) else raw
    if not isinstance(entries, list) or len(entries) > MAX_ACCREDITATIONS:
        raise TrustListError("accreditation must be a list of at most 10000 entries")
    accreditations = tuple(_entry(i, e) for i, e in enumerate(entries))
    if len({a.entity for a in accreditations}) != len(accreditations):
        raise TrustListError("a trust list names each entity once")
    return TrustList(
        id=view.id,
        issuer=view.issuer_id,
        valid_from=view.valid_from,
        valid_until=view.valid_until,
        accreditations=accreditations,
        document=document,
        digest=hashlib.sha256(jcs_canonicalize(dict(document))).digest(),
    )


def _strings(value: object, name: str) -> list[str]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        raise TrustListError(f"{name} must be a string or a list of strings")
    return [str(i) for i in items]


def _entry(index: int, raw: object) -> Accreditation:
    path = f"accreditation[{index}]"
    if not isinstance(raw, Mapping):
        raise TrustListError(f"{path} must be an object")
    types = _strings(raw.get("type"), f"{path}.type")
    if ACCREDITATION_TYPE not in types:
        raise TrustListError(f"{path}.type must include {ACCREDITATION_TYPE}")
    dates: dict[str, datetime | None] = {}
    for term in ("accreditedFrom", "accreditedUntil"):
        value = raw.get(term)
        if value is None:
            dates[term] = None
            continue
        if not isinstance(value, str):
            raise TrustListError(f"{path}.{term} must be a dateTime")
        try:
            dates[term] = parse_datetime(value)
        except VcidError:
            raise TrustListError(f"{path}.{term} must be a dateTime") from None
    status = raw.get("accreditationStatus")
    if status is not None and not isinstance(status, Mapping):
        raise TrustListError(f"{path}.accreditationStatus must be an object")
    try:
        return Accreditation(
            entity=str(raw.get("id")) if isinstance(raw.get("id"), str) else "",
            credential_types=frozenset(_strings(raw.get("accreditedFor"), f"{path}.accreditedFor")),
            jurisdictions=frozenset(_strings(raw.get("jurisdiction"), f"{path}.jurisdiction")),
            valid_from=dates["accreditedFrom"],
            valid_until=dates["accreditedUntil"],
            status=status,
        )
    except UsageError as exc:
        raise TrustListError(f"{path}: {exc}") from None


def with_accreditation(
    credential: Mapping[str, JsonValue], accreditation: Accreditation
) -> JsonObject:
    """A copy of an unsigned or signed list with ``accreditation`` added or
    replaced (by entity), its proof dropped: sign it again."""
    entries = [
        a for a in parse_trust_list(credential).accreditations if a.entity != accreditation.entity
    ]
    return _replace_entries(credential, [*entries, accreditation])


def without_accreditation(credential: Mapping[str, JsonValue], entity: str) -> JsonObject:
    """A copy of a list without ``entity``'s entry, its proof dropped.

    :raises UsageError: if the list has no entry for ``entity``.
    """
    entries = parse_trust_list(credential).accreditations
    kept = [a for a in entries if a.entity != entity]
    if len(kept) == len(entries):
        raise UsageError("the trust list has no entry for that entity")
    return _replace_entries(credential, kept)


def _replace_entries(
    credential: Mapping[str, JsonValue], entries: Sequence[Accreditation]
) -> JsonObject:
    copy = _json.load_object(_json.dumps(dict(credential)).encode("utf-8"))
    copy.pop("proof", None)
    subject = copy["credentialSubject"]
    assert isinstance(subject, dict)  # parse_trust_list checked it
    subject["accreditation"] = [a.to_json() for a in entries]
    return copy


__all__ = [
    "ACCREDITATION_TYPE",
    "CONTEXTS",
    "MAX_ACCREDITATIONS",
    "MAX_LIST_BYTES",
    "Accreditation",
    "SigningKey",
    "TrustList",
    "load_trust_list",
    "parse_trust_list",
    "sign_trust_list",
    "trust_list_credential",
    "with_accreditation",
    "without_accreditation",
]
