"""The commitment a registrar logs for each credential it issues.

The commitment is SHA-256 over the RFC 8785 (JCS) canonical form of the
*signed* credential, proof included. The signed credential carries a
random-looking signature and a unique id, so the commitment reveals nothing
about the child even to someone who can guess the attributes; a commitment
to bare attributes (a name and a birth date) could be brute-forced.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from vcid._json import JsonValue
from vcid.canon.jcs import canonicalize
from vcid.errors import UsageError


def credential_commitment(signed: Mapping[str, JsonValue]) -> bytes:
    """``SHA-256(JCS(signed))``: the 32-byte commitment to a signed credential.

    :param signed: the signed credential, exactly as issued (not modified).
    :raises UsageError: if it is not a JSON object or has no ``proof``.
    :raises CanonicalizationError: if it is not JSON (RFC 8785 §3.2).
    """
    if not isinstance(signed, Mapping):
        raise UsageError("a credential must be a JSON object")
    if "proof" not in signed:
        raise UsageError("a commitment is made to a signed credential (it has no proof)")
    return hashlib.sha256(canonicalize(signed)).digest()


__all__ = ["credential_commitment"]
