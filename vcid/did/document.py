"""DID documents and their verification methods (DID Core §5).

:meth:`DIDDocument.from_json` checks what a verifier relies on: the document
``id`` is the DID that was resolved (§5.1.1), every verification method has
``id``, ``type``, ``controller`` and exactly one of ``publicKeyMultibase`` or
``publicKeyJwk`` (§5.2), its key decodes and agrees with its ``type``, and
the verification relationships (§5.3) hold references or embedded methods.

Signature methods become :class:`VerificationMethod` (an Ed25519, P-256 or
P-384 :class:`~vcid.keys.PublicKey`); X25519 key-agreement methods become
:class:`KeyAgreementMethod` and may appear only under ``keyAgreement``.
Messages name members and rules, never values.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from vcid._json import JsonObject, JsonValue
from vcid.did.syntax import parse_did, parse_did_url
from vcid.encoding import (
    Multicodec,
    base64url_decode,
    multibase_decode,
    multicodec_unwrap,
)
from vcid.errors import (
    ControllerMismatch,
    DIDDocumentError,
    DIDSyntaxError,
    EncodingError,
    KeyFormatError,
    PurposeMismatch,
    UnsupportedError,
    UsageError,
)
from vcid.keys import KeyType, PublicKey

AUTHENTICATION: Final = "authentication"
ASSERTION_METHOD: Final = "assertionMethod"
KEY_AGREEMENT: Final = "keyAgreement"
CAPABILITY_INVOCATION: Final = "capabilityInvocation"
CAPABILITY_DELEGATION: Final = "capabilityDelegation"

RELATIONSHIPS: Final = (
    AUTHENTICATION,
    ASSERTION_METHOD,
    KEY_AGREEMENT,
    CAPABILITY_INVOCATION,
    CAPABILITY_DELEGATION,
)
"""The verification relationships of DID Core §5.3."""

MAX_METHODS: Final = 64
"""The most verification methods and references a document may hold."""

#: Verification method types accepted, with the key form each requires.
_MULTIBASE_TYPES: Final = frozenset(
    {"Multikey", "Ed25519VerificationKey2020", "X25519KeyAgreementKey2020"}
)
_JWK_TYPES: Final = frozenset({"JsonWebKey2020", "JsonWebKey"})
_KEY_MEMBERS: Final = ("publicKeyMultibase", "publicKeyJwk")
_LEGACY_KEY_MEMBERS: Final = (
    "publicKeyBase58",
    "publicKeyBase64",
    "publicKeyHex",
    "publicKeyPem",
)
_SECRET_MEMBERS: Final = (
    "privateKeyMultibase",
    "secretKeyMultibase",
    "privateKeyJwk",
    "privateKeyBase58",
)
#: JWK members that carry private or symmetric key material (RFC 7518 §6).
JWK_PRIVATE_MEMBERS: Final = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})


@dataclass(frozen=True, slots=True)
class VerificationMethod:
    """A signature verification method (DID Core §5.2) with a usable key."""

    id: str
    type: str
    controller: str
    public_key: PublicKey


@dataclass(frozen=True, slots=True)
class KeyAgreementMethod:
    """An X25519 key-agreement method (DID Core §5.3.3); it cannot sign."""

    id: str
    type: str
    controller: str
    x25519: bytes


_Method = VerificationMethod | KeyAgreementMethod


@dataclass(frozen=True, slots=True)
class DIDDocument:
    """A validated DID document (DID Core §5).

    ``relationships`` maps each relationship present to the absolute ids it
    lists, in order. Use :meth:`to_json` for the document as received.
    """

    id: str
    controller: tuple[str, ...]
    verification_methods: tuple[VerificationMethod, ...]
    key_agreement_methods: tuple[KeyAgreementMethod, ...]
    relationships: tuple[tuple[str, tuple[str, ...]], ...]
    _source: JsonObject = field(repr=False, compare=False)

    @classmethod
    def from_json(cls, obj: Mapping[str, JsonValue], *, did: str | None = None) -> DIDDocument:
        """Validate a DID document in its JSON representation (DID Core §6.2).

        :param obj: the parsed document.
        :param did: the DID that was resolved; the document ``id`` must equal it.
        :raises DIDDocumentError: for a missing or mismatched ``id``, a badly
            shaped verification method or relationship, duplicate method ids,
            or a dangling reference to a method of this DID.
        :raises KeyFormatError: for key material that does not decode, is of
            an unsupported type, is private, or disagrees with the method type.
        """
        return _parse_document(obj, did)

    def relationship(self, name: str) -> tuple[str, ...]:
        """The absolute verification method ids listed under ``name``.

        :raises UsageError: if ``name`` is not a DID Core relationship.
        """
        _check_relationship(name)
        return dict(self.relationships).get(name, ())

    def method(self, vm_id: str) -> VerificationMethod | KeyAgreementMethod | None:
        """The method with this id (absolute, or relative ``#fragment``)."""
        full = _absolute_id(vm_id, self.id)
        for method in self.verification_methods:
            if method.id == full:
                return method
        for agreement in self.key_agreement_methods:
            if agreement.id == full:
                return agreement
        return None

    def verification_method(self, vm_id: str, *, relationship: str) -> VerificationMethod:
        """The signature method ``vm_id``, if authorized for ``relationship``.

        DID Core §5.3: a method may be used for a purpose only when the
        relationship lists it. vcid also requires its ``controller`` to be
        this document's DID.

        :param vm_id: an absolute DID URL or a ``#fragment`` of this document.
        :param relationship: one of :data:`RELATIONSHIPS`.
        :raises UsageError: for an unknown relationship name.
        :raises DIDSyntaxError: if ``vm_id`` is not a DID URL.
        :raises PurposeMismatch: if the relationship does not list the method.
        :raises ControllerMismatch: if the method belongs to another DID or
            its controller is not this document's id.
        :raises UnsupportedError: for an X25519 method, which cannot verify.
        """
        _check_relationship(relationship)
        full = _absolute_id(vm_id, self.id)
        if full not in self.relationship(relationship):
            raise PurposeMismatch(f"verification method is not listed under {relationship}")
        method = self.method(full)
        if method is None:
            # Parsing guarantees that references to this DID resolve, so an
            # unknown listed id points into another DID document.
            raise ControllerMismatch("verification method belongs to another DID document")
        if method.controller != self.id:
            raise ControllerMismatch("verification method controller is not the DID document id")
        if isinstance(method, KeyAgreementMethod):
            raise UnsupportedError("an X25519 key-agreement method cannot verify")
        return method

    def to_json(self) -> JsonObject:
        """A copy of the document as received."""
        return copy.deepcopy(self._source)


# --- parsing ------------------------------------------------------------------


def _check_relationship(name: str) -> None:
    if name not in RELATIONSHIPS:
        raise UsageError("unknown verification relationship; see DID Core §5.3")


def _absolute_id(ref: str, base: str) -> str:
    """Resolve ``#fragment`` against ``base``; check the result is a DID URL."""
    if not isinstance(ref, str):
        raise DIDSyntaxError("a verification method id must be a string")
    full = base + ref if ref.startswith("#") else ref
    parse_did_url(full)
    return full


def _parse_document(obj: Mapping[str, JsonValue], did: str | None) -> DIDDocument:
    if not isinstance(obj, Mapping):
        raise DIDDocumentError("a DID document must be a JSON object")
    doc_id = obj.get("id")
    if not isinstance(doc_id, str):
        raise DIDDocumentError("DID document 'id' must be a string (DID Core §5.1.1)")
    try:
        parse_did(doc_id)
    except DIDSyntaxError:
        raise DIDDocumentError("DID document 'id' is not a DID") from None
    if did is not None and doc_id != did:
        raise DIDDocumentError("DID document 'id' does not match the resolved DID")

    controllers = _parse_controllers(obj.get("controller"))
    methods: dict[str, _Method] = {}
    budget = [MAX_METHODS]

    raw_methods = obj.get("verificationMethod", [])
    if not isinstance(raw_methods, list):
        raise DIDDocumentError("'verificationMethod' must be an array")
    for index, entry in enumerate(_bounded(raw_methods, budget)):
        _add_method(methods, _parse_method(entry, doc_id, f"verificationMethod[{index}]"))

    relationships: list[tuple[str, tuple[str, ...]]] = []
    pending: list[tuple[str, str, str]] = []
    for name in RELATIONSHIPS:
        if name not in obj:
            continue
        entries = obj[name]
        if not isinstance(entries, list):
            raise DIDDocumentError(f"'{name}' must be an array")
        ids: list[str] = []
        for index, entry in enumerate(_bounded(entries, budget)):
            where = f"{name}[{index}]"
            if isinstance(entry, str):
                try:
                    ref = _absolute_id(entry, doc_id)
                except DIDSyntaxError:
                    raise DIDDocumentError(f"{where} is not a DID URL") from None
                pending.append((name, ref, where))
            elif isinstance(entry, dict):
                method = _parse_method(entry, doc_id, where)
                _add_method(methods, method)
                ref = method.id
            else:
                raise DIDDocumentError(f"{where} must be a string or an object")
            if ref in ids:
                raise DIDDocumentError(f"{where} repeats a verification method")
            ids.append(ref)
        relationships.append((name, tuple(ids)))

    for _name, ref, where in pending:
        if ref not in methods and parse_did_url(ref).did == parse_did(doc_id):
            raise DIDDocumentError(f"{where} refers to a method the document lacks")

    for name, listed in relationships:
        if name == KEY_AGREEMENT:
            continue
        for ref in listed:
            if isinstance(methods.get(ref), KeyAgreementMethod):
                raise KeyFormatError(
                    f"an X25519 key is listed under {name}, which needs a signature key"
                )

    return DIDDocument(
        id=doc_id,
        controller=controllers,
        verification_methods=tuple(
            m for m in methods.values() if isinstance(m, VerificationMethod)
        ),
        key_agreement_methods=tuple(
            m for m in methods.values() if isinstance(m, KeyAgreementMethod)
        ),
        relationships=tuple(relationships),
        _source=copy.deepcopy(dict(obj)),
    )


def _bounded(entries: list[JsonValue], budget: list[int]) -> list[JsonValue]:
    budget[0] -= len(entries)
    if budget[0] < 0:
        raise DIDDocumentError(f"DID document lists more than {MAX_METHODS} verification methods")
    return entries


def _parse_controllers(value: JsonValue) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    if len(items) > MAX_METHODS:
        raise DIDDocumentError("DID document 'controller' lists too many DIDs")
    result: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise DIDDocumentError("DID document 'controller' must hold DIDs")
        try:
            parse_did(item)
        except DIDSyntaxError:
            raise DIDDocumentError("DID document 'controller' is not a DID") from None
        result.append(item)
    return tuple(result)


def _add_method(methods: dict[str, _Method], method: _Method) -> None:
    if method.id in methods:
        raise DIDDocumentError("two verification methods share one id")
    methods[method.id] = method


def _parse_method(entry: JsonValue, doc_id: str, where: str) -> _Method:
    """Parse one verification method (DID Core §5.2.1)."""
    if not isinstance(entry, dict):
        raise DIDDocumentError(f"{where} must be an object")
    vm_id, vm_type, controller = (
        entry.get("id"),
        entry.get("type"),
        entry.get("controller"),
    )
    if not isinstance(vm_id, str):
        raise DIDDocumentError(f"{where}.id must be a string")
    if not isinstance(vm_type, str):
        raise DIDDocumentError(f"{where}.type must be a string")
    if not isinstance(controller, str):
        raise DIDDocumentError(f"{where}.controller must be a string")
    try:
        full_id = _absolute_id(vm_id, doc_id)
    except DIDSyntaxError:
        raise DIDDocumentError(f"{where}.id is not a DID URL") from None
    try:
        parse_did(controller)
    except DIDSyntaxError:
        raise DIDDocumentError(f"{where}.controller is not a DID") from None

    for member in _SECRET_MEMBERS:
        if member in entry:
            raise KeyFormatError(f"{where} has private key material ({member})")
    present = [m for m in (*_KEY_MEMBERS, *_LEGACY_KEY_MEMBERS) if m in entry]
    if len(present) != 1 or present[0] not in _KEY_MEMBERS:
        raise DIDDocumentError(
            f"{where} must have exactly one of publicKeyMultibase or publicKeyJwk"
        )

    if vm_type in _MULTIBASE_TYPES:
        if present[0] != "publicKeyMultibase":
            raise DIDDocumentError(f"{where}: type {vm_type} needs publicKeyMultibase")
        key = _key_from_multibase(entry["publicKeyMultibase"], where)
    elif vm_type in _JWK_TYPES:
        if present[0] != "publicKeyJwk":
            raise DIDDocumentError(f"{where}: type {vm_type} needs publicKeyJwk")
        key = _key_from_jwk(entry["publicKeyJwk"], where)
    else:
        raise KeyFormatError(f"{where}: unsupported verification method type")

    if isinstance(key, bytes):
        if vm_type == "Ed25519VerificationKey2020":
            raise KeyFormatError(f"{where}: type {vm_type} holds an X25519 key")
        return KeyAgreementMethod(full_id, vm_type, controller, key)
    if vm_type == "X25519KeyAgreementKey2020":
        raise KeyFormatError(f"{where}: type {vm_type} needs an X25519 key")
    if vm_type == "Ed25519VerificationKey2020" and key.key_type is not KeyType.ED25519:
        raise KeyFormatError(f"{where}: type {vm_type} needs an Ed25519 key")
    return VerificationMethod(full_id, vm_type, controller, key)


def _key_from_multibase(value: JsonValue, where: str) -> PublicKey | bytes:
    """A signature key, or the 32 raw bytes of an X25519 key."""
    if not isinstance(value, str):
        raise KeyFormatError(f"{where}.publicKeyMultibase must be a string")
    try:
        codec, payload = multicodec_unwrap(multibase_decode(value, bases={"z"}))
        if codec is Multicodec.X25519_PUB:
            if len(payload) != 32:
                raise KeyFormatError("an X25519 key is 32 bytes")
            return payload
        return PublicKey.from_multibase(value)
    except (EncodingError, KeyFormatError, UnsupportedError) as exc:
        raise KeyFormatError(
            f"{where}.publicKeyMultibase is not a supported public key ({exc.code})"
        ) from None


def _key_from_jwk(value: JsonValue, where: str) -> PublicKey | bytes:
    """A signature key, or the 32 raw bytes of an X25519 key (RFC 8037)."""
    if not isinstance(value, dict):
        raise KeyFormatError(f"{where}.publicKeyJwk must be an object")
    if JWK_PRIVATE_MEMBERS & value.keys():
        raise KeyFormatError(f"{where}.publicKeyJwk holds private key material")
    try:
        if value.get("kty") == "OKP" and value.get("crv") == "X25519":
            if value.get("alg", "ECDH-ES") != "ECDH-ES":
                raise KeyFormatError("an X25519 JWK cannot have a signature 'alg'")
            x = value.get("x")
            if not isinstance(x, str):
                raise KeyFormatError("an X25519 JWK needs 'x'")
            raw = base64url_decode(x)
            if len(raw) != 32:
                raise KeyFormatError("an X25519 key is 32 bytes")
            return raw
        # vcid.keys checks kty/crv/alg agreement, lengths and the curve point.
        return PublicKey.from_jwk(value)
    except (EncodingError, KeyFormatError, UnsupportedError) as exc:
        raise KeyFormatError(
            f"{where}.publicKeyJwk is not a supported public key ({exc.code})"
        ) from None


__all__ = [
    "ASSERTION_METHOD",
    "AUTHENTICATION",
    "CAPABILITY_DELEGATION",
    "CAPABILITY_INVOCATION",
    "JWK_PRIVATE_MEMBERS",
    "KEY_AGREEMENT",
    "MAX_METHODS",
    "RELATIONSHIPS",
    "DIDDocument",
    "KeyAgreementMethod",
    "VerificationMethod",
]
