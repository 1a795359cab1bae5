"""Sign a document with an ``assertionMethod`` proof, one way for every caller.

The issuer, the status registry and trust lists all sign the same way: a
:class:`SigningKey` (a signer bound to its verification method), the
cryptosuite named or the default for the key's type, every term checked
in safe mode (JCS suites never expand, so the terms are checked first).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Final, Protocol

from vcid._json import JsonObject, JsonValue
from vcid.errors import UsageError
from vcid.jsonld.processor import JsonLdProcessor
from vcid.keys import KeyType, Signer
from vcid.proofs.engine import add_proof
from vcid.proofs.options import ProofOptions
from vcid.proofs.suites import get_suite

#: The cryptosuite used for each key type when the caller names none.
DEFAULT_SUITES: Final = {
    KeyType.ED25519: "eddsa-rdfc-2022",
    KeyType.P256: "ecdsa-rdfc-2019",
    KeyType.P384: "ecdsa-rdfc-2019",
}


class SigningKey(Protocol):
    """A signer bound to a DID verification method (a ``KeyFile`` is one)."""

    @property
    def signer(self) -> Signer: ...

    @property
    def verification_method(self) -> str: ...

    @property
    def controller(self) -> str: ...


def default_suite(key: SigningKey, cryptosuite: str | None = None) -> str:
    """``cryptosuite`` if named, else the default for the key's type.

    :raises UsageError: if none is named and the key type has no default.
    """
    if cryptosuite is not None:
        return cryptosuite
    suite = DEFAULT_SUITES.get(key.signer.key_type)
    if suite is None:
        raise UsageError("no default cryptosuite for this key type: name one")
    return suite


def sign_with(
    document: Mapping[str, JsonValue],
    *,
    key: SigningKey,
    options: ProofOptions,
    jsonld: JsonLdProcessor,
    cryptosuite: str | None = None,
) -> JsonObject:
    """Add a proof made by ``key`` with ``options`` (terms checked in safe mode first)."""
    suite = default_suite(key, cryptosuite)
    if get_suite(suite).canonicalization == "jcs":
        jsonld.check(document)  # JCS never expands; check the terms here
    return add_proof(document, signer=key.signer, suite=suite, options=options, jsonld=jsonld)


def sign_assertion(
    document: Mapping[str, JsonValue],
    *,
    key: SigningKey,
    jsonld: JsonLdProcessor,
    created: datetime,
    cryptosuite: str | None = None,
) -> JsonObject:
    """Add an ``assertionMethod`` proof by ``key`` created at ``created``."""
    options = ProofOptions(
        verification_method=key.verification_method,
        proof_purpose="assertionMethod",
        created=created,
    )
    return sign_with(document, key=key, options=options, jsonld=jsonld, cryptosuite=cryptosuite)


__all__ = ["DEFAULT_SUITES", "SigningKey", "default_suite", "sign_assertion", "sign_with"]
