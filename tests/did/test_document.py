"""DID documents: DID Core §5 validation and relationship enforcement."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, x25519

from vcid.did.document import MAX_METHODS, DIDDocument, KeyAgreementMethod
from vcid.encoding import (
    Multicodec,
    base64url_encode,
    multibase_encode,
    multicodec_wrap,
)
from vcid.errors import (
    ControllerMismatch,
    DIDDocumentError,
    DIDSyntaxError,
    KeyFormatError,
    PurposeMismatch,
    UnsupportedError,
    UsageError,
)
from vcid.keys import KeyType

DID = "did:example:123"


def _x25519_raw() -> bytes:
    return x25519.X25519PrivateKey.generate().public_key().public_bytes_raw()


def _x25519_multibase() -> str:
    return multibase_encode(multicodec_wrap(Multicodec.X25519_PUB, _x25519_raw()))


def _secp256k1_multibase() -> str:
    point = (
        ec.generate_private_key(ec.SECP256K1())
        .public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint)
    )
    return multibase_encode(multicodec_wrap(Multicodec.SECP256K1_PUB, point))


def test_valid_document_resolves_relative_ids(h: Any) -> None:
    key = h.public_key()
    embedded = h.multikey("#key-2", key=h.public_key(KeyType.P256))
    doc = DIDDocument.from_json(
        h.document(
            h.multikey("#key-1", key=key),
            assertionMethod=["#key-1", embedded],
            authentication=[f"{DID}#key-1"],
        ),
        did=DID,
    )
    assert doc.id == DID
    assert doc.relationship("assertionMethod") == (f"{DID}#key-1", f"{DID}#key-2")
    assert doc.relationship("keyAgreement") == ()
    vm = doc.verification_method("#key-1", relationship="assertionMethod")
    assert vm.id == f"{DID}#key-1"
    assert vm.type == "Multikey"
    assert vm.controller == DID
    assert vm.public_key == key
    absolute = doc.verification_method(f"{DID}#key-1", relationship="authentication")
    assert absolute == vm
    second = doc.verification_method("#key-2", relationship="assertionMethod")
    assert second.public_key.key_type is KeyType.P256


def test_method_missing_from_relationship_is_purpose_mismatch(h: Any) -> None:
    doc = DIDDocument.from_json(
        h.document(h.multikey("#key-1"), h.multikey("#key-2"), assertionMethod=["#key-1"])
    )
    doc.verification_method("#key-1", relationship="assertionMethod")
    with pytest.raises(PurposeMismatch):
        doc.verification_method("#key-2", relationship="assertionMethod")
    with pytest.raises(PurposeMismatch):
        doc.verification_method("#key-1", relationship="authentication")
    with pytest.raises(PurposeMismatch):
        doc.verification_method("#nope", relationship="assertionMethod")


def test_embedded_method_is_only_authorized_where_embedded(h: Any) -> None:
    doc = DIDDocument.from_json(
        h.document(authentication=[h.multikey("#auth")], assertionMethod=[])
    )
    doc.verification_method("#auth", relationship="authentication")
    with pytest.raises(PurposeMismatch):
        doc.verification_method("#auth", relationship="assertionMethod")


def test_foreign_controller_is_controller_mismatch(h: Any) -> None:
    doc = DIDDocument.from_json(
        h.document(
            h.multikey("#key-1", controller="did:example:other"),
            assertionMethod=["#key-1"],
        )
    )
    with pytest.raises(ControllerMismatch):
        doc.verification_method("#key-1", relationship="assertionMethod")


def test_reference_into_another_did_is_controller_mismatch(h: Any) -> None:
    doc = DIDDocument.from_json(h.document(assertionMethod=["did:example:other#key-1"]))
    with pytest.raises(ControllerMismatch):
        doc.verification_method("did:example:other#key-1", relationship="assertionMethod")


def test_unknown_relationship_is_usage_error(h: Any) -> None:
    doc = DIDDocument.from_json(h.document(h.multikey()))
    with pytest.raises(UsageError):
        doc.verification_method("#key-1", relationship="assertion")
    with pytest.raises(DIDSyntaxError):
        doc.verification_method("key-1", relationship="assertionMethod")


def test_document_id_must_match_the_resolved_did(h: Any) -> None:
    with pytest.raises(DIDDocumentError, match="does not match"):
        DIDDocument.from_json(h.document(), did="did:example:456")


@pytest.mark.parametrize(
    "doc",
    [
        {},
        {"id": 5},
        {"id": "not-a-did"},
        {"id": DID, "verificationMethod": {}},
        {"id": DID, "verificationMethod": ["#key-1"]},
        {"id": DID, "assertionMethod": "#key-1"},
        {"id": DID, "assertionMethod": [5]},
        {"id": DID, "assertionMethod": ["#key-1"]},  # dangling reference
        {"id": DID, "assertionMethod": ["not a url"]},
        {"id": DID, "controller": "nope"},
        {"id": DID, "controller": [5]},
    ],
)
def test_malformed_documents_are_rejected(doc: dict[str, object]) -> None:
    with pytest.raises(DIDDocumentError):
        DIDDocument.from_json(doc)  # type: ignore[arg-type]


def test_document_must_be_an_object() -> None:
    with pytest.raises(DIDDocumentError):
        DIDDocument.from_json([DID])  # type: ignore[arg-type]


@pytest.mark.parametrize("missing", ["id", "type", "controller"])
def test_method_needs_id_type_controller(h: Any, missing: str) -> None:
    method = h.multikey()
    del method[missing]
    with pytest.raises(DIDDocumentError, match=missing):
        DIDDocument.from_json(h.document(method))


def test_method_controller_must_be_a_did(h: Any) -> None:
    with pytest.raises(DIDDocumentError, match="controller"):
        DIDDocument.from_json(h.document(h.multikey(controller="alice")))


def test_method_needs_exactly_one_key_member(h: Any) -> None:
    key = h.public_key()
    both = h.multikey(key=key)
    both["publicKeyJwk"] = key.to_jwk()
    neither = h.multikey()
    del neither["publicKeyMultibase"]
    legacy = h.multikey()
    legacy["publicKeyBase58"] = "abc"
    for method in (both, neither, legacy):
        with pytest.raises(DIDDocumentError, match="exactly one"):
            DIDDocument.from_json(h.document(method))


def test_key_member_must_fit_the_type(h: Any) -> None:
    key = h.public_key()
    jwk_as_multikey = {
        "id": "#k",
        "type": "Multikey",
        "controller": DID,
        "publicKeyJwk": key.to_jwk(),
    }
    with pytest.raises(DIDDocumentError, match="publicKeyMultibase"):
        DIDDocument.from_json(h.document(jwk_as_multikey))
    with pytest.raises(DIDDocumentError, match="publicKeyJwk"):
        DIDDocument.from_json(h.document(h.multikey(vm_type="JsonWebKey2020")))


@pytest.mark.parametrize("vm_type", ["JsonWebKey2020", "JsonWebKey"])
@pytest.mark.parametrize("key_type", list(KeyType))
def test_jwk_methods(h: Any, vm_type: str, key_type: KeyType) -> None:
    key = h.public_key(key_type)
    method = {
        "id": "#k",
        "type": vm_type,
        "controller": DID,
        "publicKeyJwk": key.to_jwk(),
    }
    doc = DIDDocument.from_json(h.document(method, assertionMethod=["#k"]))
    vm = doc.verification_method("#k", relationship="assertionMethod")
    assert vm.public_key == key
    assert vm.type == vm_type


def test_unsupported_type_is_rejected(h: Any) -> None:
    with pytest.raises(KeyFormatError, match="unsupported verification method type"):
        DIDDocument.from_json(h.document(h.multikey(vm_type="EcdsaSecp256k1VerificationKey2019")))


def test_ed25519_2020_type_must_hold_an_ed25519_key(h: Any) -> None:
    ok = h.multikey(vm_type="Ed25519VerificationKey2020")
    DIDDocument.from_json(h.document(ok))
    lying = h.multikey(vm_type="Ed25519VerificationKey2020", key=h.public_key(KeyType.P256))
    with pytest.raises(KeyFormatError, match="Ed25519"):
        DIDDocument.from_json(h.document(lying))


def test_jwk_claiming_another_curve_is_rejected(h: Any) -> None:
    ed = h.public_key(KeyType.ED25519).to_jwk()
    claims_p256 = {"kty": "EC", "crv": "P-256", "x": ed["x"], "y": ed["x"]}
    p384 = dict(h.public_key(KeyType.P384).to_jwk(), alg="ES256")
    for jwk in (claims_p256, p384, dict(ed, crv="P-256")):
        method = {
            "id": "#k",
            "type": "JsonWebKey2020",
            "controller": DID,
            "publicKeyJwk": jwk,
        }
        with pytest.raises(KeyFormatError):
            DIDDocument.from_json(h.document(method))


def test_private_key_material_is_rejected(h: Any) -> None:
    jwk = dict(h.public_key().to_jwk(), d=base64url_encode(b"\x01" * 32))
    method = {
        "id": "#k",
        "type": "JsonWebKey2020",
        "controller": DID,
        "publicKeyJwk": jwk,
    }
    with pytest.raises(KeyFormatError, match="private"):
        DIDDocument.from_json(h.document(method))
    leaky = h.multikey()
    leaky["secretKeyMultibase"] = "z123"
    with pytest.raises(KeyFormatError, match="private"):
        DIDDocument.from_json(h.document(leaky))


def test_malformed_and_unsupported_keys_are_rejected(h: Any) -> None:
    for value in ("z6Mkbad0", "uAAAA", 5, _secp256k1_multibase()):
        method = h.multikey()
        method["publicKeyMultibase"] = value
        with pytest.raises(KeyFormatError):
            DIDDocument.from_json(h.document(method))


def test_x25519_key_agreement(h: Any) -> None:
    raw = _x25519_raw()
    mb = multibase_encode(multicodec_wrap(Multicodec.X25519_PUB, raw))
    jwk = {"kty": "OKP", "crv": "X25519", "x": base64url_encode(raw)}
    doc = DIDDocument.from_json(
        h.document(
            {
                "id": "#x1",
                "type": "Multikey",
                "controller": DID,
                "publicKeyMultibase": mb,
            },
            {
                "id": "#x2",
                "type": "JsonWebKey2020",
                "controller": DID,
                "publicKeyJwk": jwk,
            },
            keyAgreement=[
                "#x1",
                "#x2",
                {
                    "id": "#x3",
                    "type": "X25519KeyAgreementKey2020",
                    "controller": DID,
                    "publicKeyMultibase": mb,
                },
            ],
        )
    )
    methods = doc.key_agreement_methods
    assert [m.id.split("#")[1] for m in methods] == ["x1", "x2", "x3"]
    assert all(isinstance(m, KeyAgreementMethod) and m.x25519 == raw for m in methods)
    assert doc.verification_methods == ()
    assert doc.method("#x2") == methods[1]
    with pytest.raises(UnsupportedError):
        doc.verification_method("#x1", relationship="keyAgreement")


def test_x25519_key_cannot_be_a_signing_method(h: Any) -> None:
    method = {
        "id": "#x",
        "type": "Multikey",
        "controller": DID,
        "publicKeyMultibase": _x25519_multibase(),
    }
    with pytest.raises(KeyFormatError, match="assertionMethod"):
        DIDDocument.from_json(h.document(method, assertionMethod=["#x"]))
    wrong_type = dict(method, type="Ed25519VerificationKey2020")
    with pytest.raises(KeyFormatError):
        DIDDocument.from_json(h.document(wrong_type))
    x_type_ed_key = h.multikey(vm_type="X25519KeyAgreementKey2020")
    with pytest.raises(KeyFormatError):
        DIDDocument.from_json(h.document(x_type_ed_key))


def test_duplicate_ids_are_rejected(h: Any) -> None:
    with pytest.raises(DIDDocumentError, match="share"):
        DIDDocument.from_json(h.document(h.multikey("#a"), h.multikey(f"{DID}#a")))
    with pytest.raises(DIDDocumentError, match="share"):
        DIDDocument.from_json(h.document(h.multikey("#a"), assertionMethod=[h.multikey("#a")]))
    with pytest.raises(DIDDocumentError, match="repeats"):
        DIDDocument.from_json(h.document(h.multikey("#a"), assertionMethod=["#a", "#a"]))


def test_method_count_is_bounded(h: Any) -> None:
    key = h.public_key()
    methods = [h.multikey(f"#k{i}", key=key) for i in range(MAX_METHODS)]
    DIDDocument.from_json(h.document(*methods))
    refs = [f"#k{i}" for i in range(MAX_METHODS)]
    with pytest.raises(DIDDocumentError, match="more than"):
        DIDDocument.from_json(h.document(*methods, assertionMethod=refs[:1]))


def test_to_json_is_a_copy(h: Any) -> None:
    source = h.document(h.multikey(), assertionMethod=["#key-1"])
    doc = DIDDocument.from_json(source)
    source["id"] = "did:example:changed"
    copy = doc.to_json()
    assert copy["id"] == DID
    copy["id"] = "did:example:changed"
    assert doc.to_json()["id"] == DID


def test_controller_list_is_kept(h: Any) -> None:
    doc = DIDDocument.from_json(dict(h.document(), controller="did:example:boss"))
    assert doc.controller == ("did:example:boss",)
    doc = DIDDocument.from_json(dict(h.document(), controller=[DID, "did:example:b"]))
    assert doc.controller == (DID, "did:example:b")
