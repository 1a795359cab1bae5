"""did:jwk (https://github.com/quartzjer/did-jwk/blob/main/spec.md).

``did:jwk:<base64url(UTF-8 JSON of a public JWK)>``. The document has one
``JsonWebKey2020`` method ``did#0`` holding the JWK as encoded. Its
relationships follow the JWK's ``use``: ``"sig"`` gives the four signing
relationships, ``"enc"`` only ``keyAgreement``, none gives all five (an
X25519 key only ``keyAgreement``, since it cannot sign).

A JWK with private members (``d`` and the like) resolves to
``invalidPublicKey``; text that is not base64url of a strict JSON object
resolves to ``invalidDid``.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Final

from vcid._json import JsonObject, load_object
from vcid.cache import LRUCache
from vcid.did.document import JWK_PRIVATE_MEMBERS, DIDDocument
from vcid.did.resolution import (
    INVALID_DID,
    INVALID_PUBLIC_KEY,
    ResolutionResult,
    resolve_derived,
)
from vcid.did.syntax import DID
from vcid.encoding import base64url_decode, base64url_encode
from vcid.errors import DIDResolutionError, EncodingError, JSONParseError
from vcid.keys import PublicKey

DID_V1_CONTEXT: Final = "https://www.w3.org/ns/did/v1"
JWS_2020_CONTEXT: Final = "https://w3id.org/security/suites/jws-2020/v1"
CACHE_SIZE: Final = 1024
_SIGNING: Final = (
    "assertionMethod",
    "authentication",
    "capabilityInvocation",
    "capabilityDelegation",
)


def did_jwk_from_public_key(public_key: PublicKey) -> str:
    """The did:jwk DID of a public key (did:jwk §"Create").

    The JWK is serialized compactly with sorted members, which for these
    all-string JWKs is its RFC 8785 (JCS) form.

    :param public_key: an Ed25519, P-256 or P-384 public key.
    """
    text = json.dumps(public_key.to_jwk(), sort_keys=True, separators=(",", ":"))
    return f"did:jwk:{base64url_encode(text.encode('utf-8'))}"


def did_jwk_document_json(did: str) -> JsonObject:
    """Expand a did:jwk DID into its DID document JSON (did:jwk §"Read").

    :param did: the DID, ``did:jwk:...``.
    :raises DIDResolutionError: ``invalidDid`` if the value is not base64url
        of a JSON object, ``invalidPublicKey`` for a private JWK or an
        unknown ``use``.
    """
    prefix = "did:jwk:"
    if not did.startswith(prefix):
        raise DIDResolutionError("not a did:jwk DID", error=INVALID_DID)
    try:
        jwk = load_object(base64url_decode(did[len(prefix) :]))
    except (EncodingError, JSONParseError):
        raise DIDResolutionError(
            "did:jwk value is not base64url of a JSON object", error=INVALID_DID
        ) from None
    if JWK_PRIVATE_MEMBERS & jwk.keys():
        raise DIDResolutionError("did:jwk holds private key material", error=INVALID_PUBLIC_KEY)
    use = jwk.get("use")
    is_x25519 = jwk.get("kty") == "OKP" and jwk.get("crv") == "X25519"
    if use == "enc" or (use is None and is_x25519):
        relationships: tuple[str, ...] = ("keyAgreement",)
    elif use == "sig":
        relationships = _SIGNING
    elif use is None:
        relationships = (*_SIGNING, "keyAgreement")
    else:
        raise DIDResolutionError("did:jwk 'use' must be 'sig' or 'enc'", error=INVALID_PUBLIC_KEY)
    vm_id = f"{did}#0"
    document: JsonObject = {
        "@context": [DID_V1_CONTEXT, JWS_2020_CONTEXT],
        "id": did,
        "verificationMethod": [
            {
                "id": vm_id,
                "type": "JsonWebKey2020",
                "controller": did,
                "publicKeyJwk": jwk,
            }
        ],
    }
    for relationship in relationships:
        document[relationship] = [vm_id]
    return document


# A did:jwk document is a pure function of the DID (as for did:key).
_DOCUMENTS: Final[LRUCache[str, DIDDocument]] = LRUCache(CACHE_SIZE)


class DIDJwkMethod:
    """The did:jwk driver; resolution is offline and cached (LRU, by DID)."""

    name: Final = "jwk"

    def resolve(
        self,
        did: DID,
        *,
        version_id: str | None = None,
        version_time: datetime | None = None,
    ) -> ResolutionResult:
        """Resolve a did:jwk DID (did:jwk §"Read").

        Failures come back as results with ``invalidDid`` or
        ``invalidPublicKey``; a historic query (did:jwk has one version) with
        ``featureNotSupported``.
        """
        return resolve_derived(
            did,
            method=self.name,
            version_id=version_id,
            version_time=version_time,
            derive=did_jwk_document_json,
            cache=_DOCUMENTS,
        )


__all__ = [
    "CACHE_SIZE",
    "DID_V1_CONTEXT",
    "JWS_2020_CONTEXT",
    "DIDJwkMethod",
    "did_jwk_document_json",
    "did_jwk_from_public_key",
]
