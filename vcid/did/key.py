"""did:key (https://w3c-ccg.github.io/did-key-spec/) for Ed25519, P-256, P-384.

``did:key:<mb-value>`` where ``mb-value`` is ``z`` + base58btc(multicodec
varint + raw public key). Resolution expands the key into the Multikey form
of the DID document exactly as the spec's "Create" example does: context
``https://www.w3.org/ns/did/v1.1``, one ``Multikey`` method ``did#<mb-value>``
listed under authentication, assertionMethod, capabilityDelegation and
capabilityInvocation, and, for Ed25519 only, an embedded X25519 ``keyAgreement``
method derived per the "Derive Encryption Key" algorithm (the spec defines
the derivation only for Ed25519, so P-256 and P-384 have no keyAgreement).

Keys vcid does not implement (secp256k1, BLS12-381, P-521, X25519 as a
signing key) and malformed keys resolve to ``invalidPublicKey``; a DID whose
value is not canonical ``z`` base58btc, or that uses the optional version
component, resolves to ``invalidDid``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

from vcid._json import JsonObject
from vcid.cache import LRUCache
from vcid.did.document import DIDDocument
from vcid.did.resolution import (
    INVALID_DID,
    INVALID_PUBLIC_KEY,
    ResolutionResult,
    resolve_derived,
)
from vcid.did.syntax import DID
from vcid.encoding import Multicodec, multibase_encode, multicodec_wrap
from vcid.errors import (
    DIDResolutionError,
    EncodingError,
    KeyFormatError,
    UnsupportedError,
)
from vcid.keys import KeyType, PublicKey, ed25519_to_x25519

DID_V1_1_CONTEXT: Final = "https://www.w3.org/ns/did/v1.1"
CACHE_SIZE: Final = 1024
_SIGNING_RELATIONSHIPS: Final = (
    "authentication",
    "assertionMethod",
    "capabilityDelegation",
    "capabilityInvocation",
)


def did_key_from_public_key(public_key: PublicKey) -> str:
    """The did:key DID of a public key (did:key §"The did:key Format").

    :param public_key: an Ed25519, P-256 or P-384 public key.
    """
    return f"did:key:{public_key.to_multibase()}"


def did_key_document_json(did: str) -> JsonObject:
    """Expand a did:key DID into its DID document JSON (did:key §"Create").

    :param did: the DID, ``did:key:z...``.
    :raises DIDResolutionError: ``invalidDid`` for a DID that is not a
        canonical did:key, ``invalidPublicKey`` for an unusable key.
    """
    prefix = "did:key:"
    if not did.startswith(prefix):
        raise DIDResolutionError("not a did:key DID", error=INVALID_DID)
    value = did[len(prefix) :]
    if not value.startswith("z") or ":" in value:
        raise DIDResolutionError(
            "did:key value must be 'z' + base58btc, without a version",
            error=INVALID_DID,
        )
    try:
        public_key = PublicKey.from_multibase(value)
    except (EncodingError, KeyFormatError, UnsupportedError) as exc:
        raise DIDResolutionError(
            f"did:key public key is not usable ({exc.code})",
            error=INVALID_PUBLIC_KEY,
        ) from None
    if public_key.to_multibase() != value:
        raise DIDResolutionError(
            "did:key value is not the canonical key encoding", error=INVALID_DID
        )

    vm_id = f"{did}#{value}"
    document: JsonObject = {
        "@context": [DID_V1_1_CONTEXT],
        "id": did,
        "verificationMethod": [
            {
                "id": vm_id,
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": value,
            }
        ],
    }
    for relationship in _SIGNING_RELATIONSHIPS:
        document[relationship] = [vm_id]
    if public_key.key_type is KeyType.ED25519:
        try:
            x25519 = ed25519_to_x25519(public_key)
        except KeyFormatError:
            raise DIDResolutionError(
                "did:key Ed25519 key has no X25519 image", error=INVALID_PUBLIC_KEY
            ) from None
        x_value = multibase_encode(multicodec_wrap(Multicodec.X25519_PUB, x25519))
        document["keyAgreement"] = [
            {
                "id": f"{did}#{x_value}",
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": x_value,
            }
        ]
    return document


# A did:key document is a pure function of the DID, so one cache serves every
# driver; DIDDocument is immutable (to_json returns a copy). Failures are not
# cached.
_DOCUMENTS: Final[LRUCache[str, DIDDocument]] = LRUCache(CACHE_SIZE)


class DIDKeyMethod:
    """The did:key driver; resolution is offline and cached (LRU, by DID)."""

    name: Final = "key"

    def resolve(
        self,
        did: DID,
        *,
        version_id: str | None = None,
        version_time: datetime | None = None,
    ) -> ResolutionResult:
        """Resolve a did:key DID (did:key §"Read").

        Failures come back as results with ``invalidDid`` or
        ``invalidPublicKey``; a historic query (did:key has one version) with
        ``featureNotSupported``.
        """
        return resolve_derived(
            did,
            method=self.name,
            version_id=version_id,
            version_time=version_time,
            derive=did_key_document_json,
            cache=_DOCUMENTS,
        )


__all__ = [
    "CACHE_SIZE",
    "DID_V1_1_CONTEXT",
    "DIDKeyMethod",
    "did_key_document_json",
    "did_key_from_public_key",
]
