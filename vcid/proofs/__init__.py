"""Data Integrity 1.0 proofs: add them to documents and verify them.

Four cryptosuites are implemented (see :data:`SUPPORTED_SUITES`):
eddsa-rdfc-2022 and eddsa-jcs-2022 (vc-di-eddsa), ecdsa-rdfc-2019 and
ecdsa-jcs-2019 (vc-di-ecdsa, P-256 and P-384).
"""

from __future__ import annotations

from vcid.proofs.engine import add_proof, verify_proofs
from vcid.proofs.options import ProofOptions
from vcid.proofs.purposes import AssertionPurpose, AuthenticationPurpose, ProofPurpose
from vcid.proofs.suites import SUPPORTED_SUITES, get_suite

__all__ = [
    "SUPPORTED_SUITES",
    "AssertionPurpose",
    "AuthenticationPurpose",
    "ProofOptions",
    "ProofPurpose",
    "add_proof",
    "get_suite",
    "verify_proofs",
]
