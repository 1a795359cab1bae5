"""vcid: W3C Verifiable Credentials for children at borders.

The safe top level: issue, present and verify credentials, make keys and
resolve DIDs. Lower-level pieces (``vcid.keys``, ``vcid.canon``,
``vcid.jsonld``, ``vcid.proofs``) are importable and documented, but they
are the hazmat tier: prefer these functions.
"""

from __future__ import annotations

from vcid.did import ResolutionResult, default_resolver
from vcid.environment import VerificationEnvironment
from vcid.errors import UsageError, VcidError
from vcid.issuer import create_presentation, issue, present, sign_presentation
from vcid.keyfile import KeyFile, read_key_file, write_key_file
from vcid.keys import KeyType
from vcid.report import (
    Check,
    CredentialResult,
    CredentialView,
    Outcome,
    PresentationResult,
    Verdict,
    VerificationReport,
)
from vcid.verifier import CredentialVerifier, verify

__version__ = "0.1.0"


def generate_key(key_type: KeyType = KeyType.ED25519) -> KeyFile:
    """A new signing key bound to its own did:key."""
    return KeyFile.generate(key_type)


def resolve_did(did: str) -> ResolutionResult:
    """Resolve a did:key or did:jwk offline (never raises for a bad DID)."""
    return default_resolver().resolve(did)


__all__ = [
    "Check",
    "CredentialResult",
    "CredentialVerifier",
    "CredentialView",
    "KeyFile",
    "KeyType",
    "Outcome",
    "PresentationResult",
    "UsageError",
    "VcidError",
    "Verdict",
    "VerificationEnvironment",
    "VerificationReport",
    "__version__",
    "create_presentation",
    "generate_key",
    "issue",
    "present",
    "read_key_file",
    "resolve_did",
    "sign_presentation",
    "verify",
    "write_key_file",
]
