"""eddsa-rdfc-2022: Ed25519 over RDFC-1.0 canonical N-Quads, SHA-256.

See https://www.w3.org/TR/vc-di-eddsa/#eddsa-rdfc-2022 (§3.2).
"""

from __future__ import annotations

from vcid.keys import KeyType
from vcid.proofs.suites.base import Cryptosuite

EDDSA_RDFC_2022 = Cryptosuite(
    name="eddsa-rdfc-2022",
    canonicalization="rdfc",
    hashes={KeyType.ED25519: "sha256"},
)

__all__ = ["EDDSA_RDFC_2022"]
