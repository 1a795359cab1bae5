"""Check ``relatedResource`` digests against resources the caller holds (VCDM 2.0 §5.3).

The caller says which resources it holds, byte for byte (bundled contexts,
context files it was given, credentials presented alongside); nothing is
fetched. A digest that does not match raises :class:`DigestMismatch`;
resources not held are counted, not checked.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from vcid.encoding import multibase_decode
from vcid.errors import DigestMismatch, VcidError
from vcid.model.credential import Credential, RelatedResource, related_resources

#: The hashes a digest may use, by digest length in bytes.
_DIGESTS_BY_LENGTH: Final = {32: "sha256", 48: "sha384", 64: "sha512"}

#: Gives the bytes of a resource by its ``id``, or ``None`` if not held.
HeldResources = Callable[[str], bytes | None]


@dataclass(frozen=True, slots=True)
class RelatedDigests:
    """How many ``relatedResource`` entries there were and how many were checked."""

    total: int
    checked: int


def check_related_digests(credential: Credential, held: HeldResources) -> RelatedDigests:
    """Check the digests of every related resource ``held`` gives bytes for.

    :param credential: a credential from :func:`validate_credential`.
    :param held: the bytes of a resource by id, ``None`` when not held.
    :raises DigestMismatch: for the first digest that does not match (the
        message names the entry, never the resource).
    :raises DataModelError: if the entries are malformed.
    """
    resources = related_resources(credential)
    checked = 0
    for index, resource in enumerate(resources):
        try:
            data = held(resource.id)
        except VcidError:
            data = None
        if data is None:
            continue
        checked += 1
        check_digests(resource, data, f"relatedResource[{index}]")
    return RelatedDigests(total=len(resources), checked=checked)


def check_digests(resource: RelatedResource, data: bytes, path: str) -> None:
    """Require every digest of ``resource`` to match ``data``.

    :raises DigestMismatch: naming ``path`` if one does not match.
    """
    if resource.digest_sri is not None:
        for token in resource.digest_sri.split():
            algorithm, _, value = token.partition("?")[0].partition("-")
            if algorithm not in _DIGESTS_BY_LENGTH.values():
                raise DigestMismatch(f"{path}: digestSRI uses an unsupported hash")
            try:
                expected = base64.b64decode(value, validate=True)
            except ValueError:
                raise DigestMismatch(f"{path}: digestSRI is not valid base64") from None
            if not hmac.compare_digest(hashlib.new(algorithm, data).digest(), expected):
                raise DigestMismatch(f"{path}: digestSRI does not match the resource")
    if resource.digest_multibase is not None:
        digest = multibase_decode(resource.digest_multibase)
        by_length = _DIGESTS_BY_LENGTH.get(len(digest))
        if by_length is None or not hmac.compare_digest(
            hashlib.new(by_length, data).digest(), digest
        ):
            raise DigestMismatch(f"{path}: digestMultibase does not match the resource")


__all__ = ["HeldResources", "RelatedDigests", "check_digests", "check_related_digests"]
