"""Digest links between credentials (VCDM 2.0 §5.3, Integrity of Related Resources).

A guardianship credential links the child's birth credential, and a travel
consent links both, through ``relatedResource`` entries: the linked
credential's ``id`` and ``digestMultibase``, the SHA-256 of its RFC 8785
(JCS) canonical form, multibase base64url (prefix ``u``). Hash the
credential exactly as the holder will present it (normally the signed one,
proof included): any change to it breaks the link.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

from vcid._json import JsonObject, JsonValue
from vcid.canon.jcs import canonicalize
from vcid.encoding import multibase_encode
from vcid.errors import CredentialDataError, UsageError


def credential_digest_multibase(credential: Mapping[str, JsonValue]) -> str:
    """``u`` + base64url(SHA-256(JCS(credential))), as ``digestMultibase`` holds it.

    :param credential: the linked credential as parsed JSON (not modified).
    :raises UsageError: if ``credential`` is not a mapping.
    :raises CanonicalizationError: if it is not JSON (RFC 8785 §3.2).
    """
    if not isinstance(credential, Mapping):
        raise UsageError("credential must be a JSON object (mapping)")
    return multibase_encode(hashlib.sha256(canonicalize(credential)).digest(), "u")


def digest_link(credential: Mapping[str, JsonValue], *, field: str) -> JsonObject:
    """The ``relatedResource`` entry for ``credential``: its id and digest.

    :param credential: the linked credential (it must have a string ``id``).
    :param field: the caller's name for it, for error messages.
    :raises CredentialDataError: if the credential has no ``id``.
    """
    credential_id = credential.get("id")
    if not isinstance(credential_id, str) or not credential_id:
        raise CredentialDataError(f"{field}.id", "is required to link the credential")
    return {"id": credential_id, "digestMultibase": credential_digest_multibase(credential)}


def matches_digest(credential: Mapping[str, JsonValue], digest_multibase: object) -> bool:
    """Whether ``credential`` is the one a ``digestMultibase`` link names.

    :param credential: the presented credential as parsed JSON.
    :param digest_multibase: the link's ``digestMultibase`` value.
    :raises UsageError: if ``credential`` is not a mapping.
    :raises CanonicalizationError: if it is not JSON.
    """
    if not isinstance(digest_multibase, str):
        return False
    expected = credential_digest_multibase(credential).encode("ascii")
    return hmac.compare_digest(expected, digest_multibase.encode("utf-8", "replace"))


__all__ = ["credential_digest_multibase", "digest_link", "matches_digest"]
