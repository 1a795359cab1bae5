"""Issue credentials and sign presentations.

Both take a :class:`SigningKey`: a :class:`~vcid.keys.Signer` together with
the verification method it stands for and that method's controller. A
:class:`~vcid.keyfile.KeyFile` is one; a key held in an HSM or KMS can be
another, without changing any caller.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Final

from vcid._json import JsonObject, JsonValue
from vcid.errors import UsageError
from vcid.jsonld import JsonLdProcessor, bundled_context_bytes
from vcid.model import check_related_digests, validate_credential, validate_presentation
from vcid.proofs import ProofOptions
from vcid.proofs.signing import DEFAULT_SUITES, SigningKey, sign_with
from vcid.schema import validate_credential_schemas

VC_V2_CONTEXT: Final = "https://www.w3.org/ns/credentials/v2"


_DEFAULT_JSONLD: JsonLdProcessor | None = None


def _jsonld(jsonld: JsonLdProcessor | None) -> JsonLdProcessor:
    global _DEFAULT_JSONLD  # noqa: PLW0603 - one shared offline processor
    if jsonld is not None:
        return jsonld
    if _DEFAULT_JSONLD is None:
        _DEFAULT_JSONLD = JsonLdProcessor()
    return _DEFAULT_JSONLD


def _held(related: Mapping[str, bytes] | None) -> Callable[[str], bytes | None]:
    """The resources an issuer holds: ``related``, then the bundled contexts."""
    supplied = dict(related or {})
    for resource_id, data in supplied.items():
        if not isinstance(resource_id, str) or not isinstance(data, bytes | bytearray):
            raise UsageError("related must map resource ids to bytes")

    def held(resource_id: str) -> bytes | None:
        data = supplied.get(resource_id)
        return bytes(data) if data is not None else bundled_context_bytes(resource_id)

    return held


def _created(created: datetime | None) -> datetime:
    if created is None:
        return datetime.now(UTC).replace(microsecond=0)
    if not isinstance(created, datetime) or created.utcoffset() is None:
        raise UsageError("created must be a timezone-aware datetime")
    return created


def _sign(
    document: Mapping[str, JsonValue],
    *,
    key: SigningKey,
    cryptosuite: str | None,
    jsonld: JsonLdProcessor | None,
    options: ProofOptions,
) -> JsonObject:
    """Add a proof; safe mode applies to every suite, JCS ones included."""
    return sign_with(
        document, key=key, options=options, jsonld=_jsonld(jsonld), cryptosuite=cryptosuite
    )


def issue(
    credential: Mapping[str, JsonValue],
    *,
    key: SigningKey,
    cryptosuite: str | None = None,
    created: datetime | None = None,
    jsonld: JsonLdProcessor | None = None,
    related: Mapping[str, bytes] | None = None,
) -> JsonObject:
    """Sign a credential with an ``assertionMethod`` Data Integrity proof.

    The credential is checked against the VC Data Model first, and every
    term must be defined by its contexts (safe mode). A ``relatedResource``
    digest is checked when the issuer holds the resource: a bundled
    context, or one of ``related``; a mismatch is refused rather than
    signed (verifiers would reject it). The caller's document is never
    changed; a new, signed one is returned.

    :param credential: the unsigned credential; its ``issuer`` must be the
        key's controller.
    :param key: the issuer's signing key and verification method.
    :param cryptosuite: one of ``eddsa-rdfc-2022``, ``eddsa-jcs-2022``,
        ``ecdsa-rdfc-2019`` or ``ecdsa-jcs-2019``; by default the RDFC
        suite for the key's type (:data:`DEFAULT_SUITES`).
    :param created: the proof's creation time (aware); defaults to now.
    :param jsonld: the JSON-LD processor (its loader decides which contexts
        may be used); defaults to the bundled contexts.
    :param related: resources held byte for byte by ``id`` (for example
        context files the processor was given), whose ``relatedResource``
        digests are checked as well as the bundled contexts'.
    :raises DataModelError: if the credential breaks a data model rule.
    :raises DigestMismatch: if a ``relatedResource`` digest of a held
        resource does not match it.
    :raises SchemaViolation: if it breaks a bundled JSON Schema it names.
    :raises UndefinedTermError: if a term is not defined by the contexts.
    :raises DocumentLoadError: if a context is not available offline.
    :raises UsageError: if the issuer is not the key's controller, or for an
        unsuitable key or cryptosuite.
    """
    if not isinstance(credential, Mapping):
        raise UsageError("credential must be a JSON object")
    view = validate_credential(credential)
    validate_credential_schemas(credential)
    if view.issuer_id != key.controller:
        raise UsageError("the credential's issuer is not the controller of the signing key")
    check_related_digests(view, _held(related))
    return _sign(
        credential,
        key=key,
        cryptosuite=cryptosuite,
        jsonld=jsonld,
        options=ProofOptions(
            verification_method=key.verification_method,
            proof_purpose="assertionMethod",
            created=_created(created),
        ),
    )


def create_presentation(
    credentials: Iterable[Mapping[str, JsonValue]],
    *,
    holder: str | None = None,
    presentation_id: str | None = None,
) -> JsonObject:
    """An unsigned VC 2.0 presentation of ``credentials`` (copied, not moved)."""
    items: list[JsonValue] = [dict(c) for c in credentials]
    presentation: JsonObject = {
        "@context": [VC_V2_CONTEXT],
        "type": ["VerifiablePresentation"],
    }
    if presentation_id is not None:
        presentation["id"] = presentation_id
    if holder is not None:
        presentation["holder"] = holder
    if items:
        presentation["verifiableCredential"] = items
    return presentation


def sign_presentation(
    presentation: Mapping[str, JsonValue],
    *,
    key: SigningKey,
    challenge: str,
    domain: str | None = None,
    cryptosuite: str | None = None,
    created: datetime | None = None,
    jsonld: JsonLdProcessor | None = None,
) -> JsonObject:
    """Sign a presentation with an ``authentication`` proof.

    :param presentation: the unsigned presentation.
    :param key: the holder's key; if the presentation names a ``holder``,
        it must be the key's controller.
    :param challenge: the verifier's challenge (required: it stops replay).
    :param domain: the verifier's domain, if it gave one.
    :raises DataModelError: if the presentation breaks a data model rule.
    :raises UsageError: for an empty challenge or a holder mismatch.
    """
    if not isinstance(presentation, Mapping):
        raise UsageError("presentation must be a JSON object")
    if not isinstance(challenge, str) or not challenge:
        raise UsageError("a presentation proof needs a non-empty challenge")
    view = validate_presentation(presentation)
    if view.holder_id is not None and view.holder_id != key.controller:
        raise UsageError("the presentation's holder is not the key's controller")
    return _sign(
        presentation,
        key=key,
        cryptosuite=cryptosuite,
        jsonld=jsonld,
        options=ProofOptions(
            verification_method=key.verification_method,
            proof_purpose="authentication",
            created=_created(created),
            challenge=challenge,
            domain=domain,
        ),
    )


def present(
    credentials: Iterable[Mapping[str, JsonValue]],
    *,
    key: SigningKey,
    challenge: str,
    domain: str | None = None,
    cryptosuite: str | None = None,
    created: datetime | None = None,
    jsonld: JsonLdProcessor | None = None,
) -> JsonObject:
    """Create and sign a presentation of ``credentials`` held by ``key``'s DID."""
    unsigned = create_presentation(credentials, holder=key.controller)
    return sign_presentation(
        unsigned,
        key=key,
        challenge=challenge,
        domain=domain,
        cryptosuite=cryptosuite,
        created=created,
        jsonld=jsonld,
    )


__all__ = [
    "DEFAULT_SUITES",
    "SigningKey",
    "create_presentation",
    "issue",
    "present",
    "sign_presentation",
]
