"""eddsa-jcs-2022: Ed25519 over JCS (RFC 8785) canonical JSON, SHA-256.

See https://www.w3.org/TR/vc-di-eddsa/#eddsa-jcs-2022 (§3.3).
"""

from __future__ import annotations

from vcid.keys import KeyType
from vcid.proofs.suites.base import Cryptosuite

EDDSA_JCS_2022 = Cryptosuite(
    name="eddsa-jcs-2022",
    canonicalization="jcs",
    hashes={KeyType.ED25519: "sha256"},
)

__all__ = ["EDDSA_JCS_2022"]
