"""Structural validation of a verifiable credential (VCDM 2.0 §4, 1.1 §4).

This is the JSON-level check only: no JSON-LD expansion, no proof checks,
no fetching. Undefined or redefined terms are caught by :mod:`vcid.jsonld`;
proofs by :mod:`vcid.proofs`; digests of related resources by the verifier,
from :func:`related_resources`.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from vcid.errors import DataModelError
from vcid.model._checks import (
    MAX_ITEMS,
    DataModelViolation,
    Version,
    check_context,
    check_language_text,
    check_optional_id,
    check_typed_objects,
    check_types,
    check_url,
    join,
    objects,
    readonly,
    require_object,
)
from vcid.model.datetimes import datetime_key

VC_TYPE: Final = "VerifiableCredential"

_SRI_LENGTHS: Final = {"sha256": 32, "sha384": 48, "sha512": 64}
_SRI_TOKEN = re.compile(
    r"(?P<alg>sha256|sha384|sha512)-(?P<digest>[A-Za-z0-9+/]+={0,2})"
    r"(?:\?[\x21-\x7e]*)?",
    re.ASCII,
)
_MULTIBASE = {
    "u": re.compile(r"[A-Za-z0-9_-]+", re.ASCII),
    "z": re.compile(r"[1-9A-HJ-NP-Za-km-z]+", re.ASCII),
    "f": re.compile(r"(?:[0-9a-f]{2})+", re.ASCII),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Credential:
    """A typed, read-only view of a structurally valid credential.

    ``raw`` is a read-only view of the caller's document (not a copy).
    """

    version: Version
    id: str | None
    types: tuple[str, ...]
    issuer_id: str
    valid_from: datetime | None
    valid_until: datetime | None
    subject_ids: tuple[str | None, ...]
    status_entries: tuple[Mapping[str, object], ...]
    schemas: tuple[Mapping[str, object], ...]
    raw: Mapping[str, object]


@dataclass(frozen=True, slots=True, kw_only=True)
class RelatedResource:
    """One ``relatedResource`` entry (VCDM 2.0 §5.3) whose digests to check."""

    id: str
    digest_sri: str | None = None
    digest_multibase: str | None = None
    media_type: str | None = None


def validate_credential(document: Mapping[str, object]) -> Credential:
    """Check a credential against the VC Data Model and return a typed view.

    The version comes from the first ``@context`` item: VCDM 2.0 for
    ``https://www.w3.org/ns/credentials/v2``, VCDM 1.1 for
    ``https://www.w3.org/2018/credentials/v1``. The input is never changed.

    :param document: the credential as parsed JSON.
    :raises DataModelError: (a :class:`DataModelViolation` with ``field``
        and ``rule``) for the first rule broken; the message names the
        property path and the rule, never the value.
    """
    doc = require_object(document, "")
    version = check_context(doc.get("@context"), "@context")
    credential_id = check_optional_id(doc, "")
    types = check_types(doc.get("type"), "type", required=VC_TYPE)
    if version == "2.0":
        _check_names(doc, "")
    issuer_id = _check_issuer(doc, version)
    subject_ids = _check_subjects(doc)
    valid_from, valid_until = _check_validity(doc, version)
    status = check_typed_objects(doc, "credentialStatus", id_required=version == "1.1")
    schemas = check_typed_objects(doc, "credentialSchema", id_required=True)
    check_typed_objects(doc, "evidence")
    check_typed_objects(doc, "termsOfUse")
    check_typed_objects(doc, "refreshService", id_required=version == "1.1")
    check_typed_objects(doc, "proof")
    _parse_related(doc)
    return Credential(
        version=version,
        id=credential_id,
        types=types,
        issuer_id=issuer_id,
        valid_from=valid_from,
        valid_until=valid_until,
        subject_ids=subject_ids,
        status_entries=tuple(readonly(entry) for entry in status),
        schemas=tuple(readonly(schema) for schema in schemas),
        raw=readonly(doc),
    )


def related_resources(credential: Credential) -> tuple[RelatedResource, ...]:
    """The credential's ``relatedResource`` entries (VCDM 2.0 §5.3).

    :param credential: a credential from :func:`validate_credential`.
    :raises DataModelError: if the entries are malformed (they are not, for
        a credential that passed validation).
    """
    return _parse_related(credential.raw)


def _check_names(obj: Mapping[str, object], path: str) -> None:
    for name in ("name", "description"):
        if name in obj:
            check_language_text(obj[name], join(path, name))


def _check_issuer(doc: Mapping[str, object], version: Version) -> str:
    """VCDM 2.0 §4.7: a URL, or an object whose ``id`` is a URL."""
    issuer = doc.get("issuer")
    if issuer is None:
        raise DataModelViolation("issuer", "is required")
    if isinstance(issuer, str):
        return check_url(issuer, "issuer")
    if not isinstance(issuer, Mapping):
        raise DataModelViolation("issuer", "must be a URL or an object with an id")
    if "id" not in issuer:
        raise DataModelViolation("issuer.id", "is required")
    issuer_id = check_url(issuer["id"], "issuer.id")
    if version == "2.0":
        _check_names(issuer, "issuer")
    return issuer_id


def _check_subjects(doc: Mapping[str, object]) -> tuple[str | None, ...]:
    """VCDM 2.0 §4.8: objects, each the subject of one or more claims."""
    if "credentialSubject" not in doc:
        raise DataModelViolation("credentialSubject", "is required")
    ids: list[str | None] = []
    for path, subject in objects(doc["credentialSubject"], "credentialSubject"):
        if not subject:
            raise DataModelViolation(path, "must contain at least one claim")
        ids.append(check_optional_id(subject, path))
    return tuple(ids)


def _check_validity(
    doc: Mapping[str, object], version: Version
) -> tuple[datetime | None, datetime | None]:
    """VCDM 2.0 §4.9 (validFrom/validUntil), VCDM 1.1 §4.6-4.7."""
    if version == "2.0":
        start_name, end_name, strict = "validFrom", "validUntil", True
    else:
        start_name, end_name, strict = "issuanceDate", "expirationDate", False
        if start_name not in doc:
            raise DataModelViolation(start_name, "is required")
    start = _datetime(doc, start_name, strict=strict)
    end = _datetime(doc, end_name, strict=strict)
    if start is not None and end is not None and end[0] < start[0]:
        raise DataModelViolation(end_name, f"must not be earlier than {start_name}")
    return (start[1] if start else None), (end[1] if end else None)


def _datetime(
    doc: Mapping[str, object], name: str, *, strict: bool
) -> tuple[tuple[datetime, str], datetime] | None:
    if name not in doc:
        return None
    value = doc[name]
    if not isinstance(value, str):
        raise DataModelViolation(name, "must be a date-time string")
    try:
        key = datetime_key(value, require_offset=strict)
    except DataModelError as err:
        raise DataModelViolation(name, str(err)) from None
    return key, key[0]


def _parse_related(doc: Mapping[str, object]) -> tuple[RelatedResource, ...]:
    """VCDM 2.0 §5.3: unique URL ids, each with digestSRI or digestMultibase."""
    if "relatedResource" not in doc:
        return ()
    seen: set[str] = set()
    found: list[RelatedResource] = []
    for path, obj in objects(doc["relatedResource"], "relatedResource"):
        if "id" not in obj:
            raise DataModelViolation(join(path, "id"), "is required")
        resource_id = check_url(obj["id"], join(path, "id"))
        if resource_id in seen:
            raise DataModelViolation(join(path, "id"), "must be unique among related resources")
        seen.add(resource_id)
        if "digestSRI" not in obj and "digestMultibase" not in obj:
            raise DataModelViolation(path, "must contain digestSRI or digestMultibase")
        sri = _check_sri(obj, join(path, "digestSRI"))
        multibase = _check_multibase(obj, join(path, "digestMultibase"))
        media_type = obj.get("mediaType")
        if "mediaType" in obj and not isinstance(media_type, str):
            raise DataModelViolation(join(path, "mediaType"), "must be a string")
        found.append(
            RelatedResource(
                id=resource_id,
                digest_sri=sri,
                digest_multibase=multibase,
                media_type=media_type if isinstance(media_type, str) else None,
            )
        )
    return tuple(found)


def _check_sri(obj: Mapping[str, object], path: str) -> str | None:
    """SRI integrity metadata (W3C SRI §3.5) with sha256/384/512 digests."""
    if "digestSRI" not in obj:
        return None
    value = obj["digestSRI"]
    if not isinstance(value, str):
        raise DataModelViolation(path, "must be a string")
    tokens = value.split()
    if not tokens or len(tokens) > MAX_ITEMS:
        raise DataModelViolation(path, "must hold one or more SRI hash expressions")
    for token in tokens:
        match = _SRI_TOKEN.fullmatch(token)
        if match is None:
            raise DataModelViolation(path, "must be sha256-, sha384- or sha512- and base64")
        try:
            digest = base64.b64decode(match["digest"], validate=True)
        except binascii.Error:
            raise DataModelViolation(path, "has malformed base64") from None
        if len(digest) != _SRI_LENGTHS[match["alg"]]:
            raise DataModelViolation(path, "has a digest of the wrong length")
    return value


def _check_multibase(obj: Mapping[str, object], path: str) -> str | None:
    """A multibase string (base64url ``u``, base58btc ``z`` or base16 ``f``)."""
    if "digestMultibase" not in obj:
        return None
    value = obj["digestMultibase"]
    if not isinstance(value, str):
        raise DataModelViolation(path, "must be a string")
    alphabet = _MULTIBASE.get(value[:1])
    if alphabet is None:
        raise DataModelViolation(path, "must be multibase (u, z or f prefix)")
    if not alphabet.fullmatch(value[1:]) or (value[0] == "u" and len(value[1:]) % 4 == 1):
        raise DataModelViolation(path, "has characters outside its multibase alphabet")
    return value


__all__ = [
    "VC_TYPE",
    "Credential",
    "RelatedResource",
    "related_resources",
    "validate_credential",
]
