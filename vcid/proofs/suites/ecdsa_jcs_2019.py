"""ecdsa-jcs-2019: ECDSA over JCS (RFC 8785) canonical JSON.

P-256 hashes with SHA-256 and P-384 with SHA-384; signatures are raw r||s.
See https://www.w3.org/TR/vc-di-ecdsa/#ecdsa-jcs-2019 (§3.3).
"""

from __future__ import annotations

from vcid.keys import KeyType
from vcid.proofs.suites.base import Cryptosuite

ECDSA_JCS_2019 = Cryptosuite(
    name="ecdsa-jcs-2019",
    canonicalization="jcs",
    hashes={KeyType.P256: "sha256", KeyType.P384: "sha384"},
)

__all__ = ["ECDSA_JCS_2019"]
