"""Decentralized Identifiers: syntax, documents, resolution (DID Core 1.0).

Methods: did:key and did:jwk (offline), did:web (HTTPS) and did:webvh (HTTPS,
with a verifiable history: :mod:`vcid.did.webvh`). Start with
:func:`default_resolver` and :meth:`ResolverRegistry.resolve_verification_method`.
"""

from __future__ import annotations

from vcid.did.document import (
    RELATIONSHIPS,
    DIDDocument,
    KeyAgreementMethod,
    VerificationMethod,
)
from vcid.did.jwk import DIDJwkMethod, did_jwk_from_public_key
from vcid.did.key import DIDKeyMethod, did_key_from_public_key
from vcid.did.resolution import DIDMethod, DIDResolver, ResolutionResult
from vcid.did.resolver import ResolverRegistry, default_resolver
from vcid.did.syntax import DID, DIDURL, parse_did, parse_did_url
from vcid.did.web import DIDWebMethod, HTTPSFetcher, did_web_fetcher, did_web_url
from vcid.did.webvh import DIDWebvhMethod, StaticFetcher, did_webvh_fetcher, webvh_log_url

__all__ = [
    "DID",
    "DIDURL",
    "RELATIONSHIPS",
    "DIDDocument",
    "DIDJwkMethod",
    "DIDKeyMethod",
    "DIDMethod",
    "DIDResolver",
    "DIDWebMethod",
    "DIDWebvhMethod",
    "HTTPSFetcher",
    "KeyAgreementMethod",
    "ResolutionResult",
    "ResolverRegistry",
    "StaticFetcher",
    "VerificationMethod",
    "default_resolver",
    "did_jwk_from_public_key",
    "did_key_from_public_key",
    "did_web_fetcher",
    "did_web_url",
    "did_webvh_fetcher",
    "parse_did",
    "parse_did_url",
    "webvh_log_url",
]
