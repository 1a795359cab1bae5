"""ecdsa-rdfc-2019: ECDSA over RDFC-1.0 canonical N-Quads.

P-256 hashes with SHA-256 and P-384 with SHA-384; signatures are raw r||s.
See https://www.w3.org/TR/vc-di-ecdsa/#ecdsa-rdfc-2019 (§3.2).
"""

from __future__ import annotations

from vcid.keys import KeyType
from vcid.proofs.suites.base import Cryptosuite

ECDSA_RDFC_2019 = Cryptosuite(
    name="ecdsa-rdfc-2019",
    canonicalization="rdfc",
    hashes={KeyType.P256: "sha256", KeyType.P384: "sha384"},
)

__all__ = ["ECDSA_RDFC_2019"]
