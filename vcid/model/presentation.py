"""Structural validation of a verifiable presentation (VCDM 2.0 §4.13).

Embedded credentials are checked with :func:`validate_credential`;
enveloped credentials (VCDM 2.0 §4.13.1) are checked for shape only, their
``data:`` payloads are left to the securing mechanism that produced them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from vcid.model._checks import (
    DataModelViolation,
    Version,
    check_context,
    check_context_item,
    check_optional_id,
    check_typed_objects,
    check_types,
    check_url,
    items,
    join,
    readonly,
    require_object,
)
from vcid.model.credential import VC_TYPE, Credential, validate_credential

VP_TYPE: Final = "VerifiablePresentation"
ENVELOPED_VC_TYPE: Final = "EnvelopedVerifiableCredential"

# RFC 2397: data:[<mediatype>][;base64],<data>
_DATA_URL = re.compile(r"data:[^,]*,", re.IGNORECASE | re.ASCII)


@dataclass(frozen=True, slots=True, kw_only=True)
class Presentation:
    """A typed, read-only view of a structurally valid presentation.

    ``credentials`` holds the embedded credentials and ``enveloped`` the
    enveloped ones, each in document order. ``raw`` is a read-only view of
    the caller's document (not a copy).
    """

    version: Version
    id: str | None
    types: tuple[str, ...]
    holder_id: str | None
    credentials: tuple[Credential, ...]
    enveloped: tuple[Mapping[str, object], ...]
    raw: Mapping[str, object]


def validate_presentation(document: Mapping[str, object]) -> Presentation:
    """Check a presentation against the VC Data Model and return a typed view.

    :param document: the presentation as parsed JSON.
    :raises DataModelError: (a :class:`DataModelViolation`) for the first
        rule broken; errors inside an embedded credential are prefixed with
        ``verifiableCredential[i].``. Messages never carry values.
    """
    doc = require_object(document, "")
    version = check_context(doc.get("@context"), "@context")
    presentation_id = check_optional_id(doc, "")
    types = check_types(doc.get("type"), "type", required=VP_TYPE)
    holder_id = _check_holder(doc)
    credentials: list[Credential] = []
    enveloped: list[Mapping[str, object]] = []
    if "verifiableCredential" in doc:
        for path, item in items(doc["verifiableCredential"], "verifiableCredential"):
            if not isinstance(item, Mapping):
                raise DataModelViolation(
                    path, "must be a credential object, not a string or other value"
                )
            if _is_enveloped(item):
                enveloped.append(readonly(_check_enveloped(item, path)))
            else:
                try:
                    credentials.append(validate_credential(item))
                except DataModelViolation as err:
                    raise err.nested(path) from None
    check_typed_objects(doc, "termsOfUse")
    check_typed_objects(doc, "proof")
    return Presentation(
        version=version,
        id=presentation_id,
        types=types,
        holder_id=holder_id,
        credentials=tuple(credentials),
        enveloped=tuple(enveloped),
        raw=readonly(doc),
    )


def _check_holder(doc: Mapping[str, object]) -> str | None:
    """VCDM 2.0 §4.13: a URL, or an object with an ``id`` that is a URL."""
    if "holder" not in doc:
        return None
    holder = doc["holder"]
    if isinstance(holder, Mapping):
        if "id" not in holder:
            raise DataModelViolation("holder.id", "is required")
        return check_url(holder["id"], "holder.id")
    if not isinstance(holder, str):
        raise DataModelViolation("holder", "must be a URL or an object with an id")
    return check_url(holder, "holder")


def _is_enveloped(item: Mapping[str, object]) -> bool:
    """An enveloped credential: so typed, or a data: URL id and no VC type."""
    raw_types = item.get("type")
    listed = raw_types if isinstance(raw_types, list | tuple) else [raw_types]
    if ENVELOPED_VC_TYPE in listed:
        return True
    identifier = item.get("id")
    return (
        VC_TYPE not in listed and isinstance(identifier, str) and identifier[:5].lower() == "data:"
    )


def _check_enveloped(item: Mapping[str, object], path: str) -> Mapping[str, object]:
    """VCDM 2.0 §4.13.1: ``@context`` present, ``id`` a data: URL, typed."""
    context = item.get("@context")
    if context is None:
        raise DataModelViolation(join(path, "@context"), "is required")
    for item_path, entry in items(context, join(path, "@context")):
        check_context_item(entry, item_path)
    identifier = item.get("id")
    if identifier is None:
        raise DataModelViolation(join(path, "id"), "is required")
    url = check_url(identifier, join(path, "id"))
    if not _DATA_URL.match(url):
        raise DataModelViolation(join(path, "id"), "must be a data: URL")
    check_types(item.get("type"), join(path, "type"), required=ENVELOPED_VC_TYPE)
    return require_object(item, path)


__all__ = [
    "ENVELOPED_VC_TYPE",
    "VP_TYPE",
    "Presentation",
    "validate_presentation",
]
