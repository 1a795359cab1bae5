"""The cryptosuite registry and declarations."""

from __future__ import annotations

import hashlib

import pytest

from vcid.errors import UnsupportedError
from vcid.keys import KeyType
from vcid.proofs import SUPPORTED_SUITES, get_suite
from vcid.proofs.suites import Cryptosuite


def test_supported_suites() -> None:
    assert {
        "eddsa-rdfc-2022",
        "eddsa-jcs-2022",
        "ecdsa-rdfc-2019",
        "ecdsa-jcs-2019",
    } == SUPPORTED_SUITES


@pytest.mark.parametrize(
    ("name", "canonicalization", "hashes"),
    [
        ("eddsa-rdfc-2022", "rdfc", {KeyType.ED25519: "sha256"}),
        ("eddsa-jcs-2022", "jcs", {KeyType.ED25519: "sha256"}),
        ("ecdsa-rdfc-2019", "rdfc", {KeyType.P256: "sha256", KeyType.P384: "sha384"}),
        ("ecdsa-jcs-2019", "jcs", {KeyType.P256: "sha256", KeyType.P384: "sha384"}),
    ],
)
def test_declarations(name: str, canonicalization: str, hashes: dict[KeyType, str]) -> None:
    """Each suite declares its canonicalization, key types and hashes."""
    suite = get_suite(name)
    assert suite.name == name
    assert suite.canonicalization == canonicalization
    assert suite.key_types == frozenset(hashes)
    assert suite.multibase == "z"
    for key_type in KeyType:
        assert suite.allows(key_type) is (key_type in hashes)
        if key_type in hashes:
            assert suite.hash_algorithm(key_type) == hashes[key_type]
            assert suite.digest(key_type, b"abc") == hashlib.new(hashes[key_type], b"abc").digest()
        else:
            with pytest.raises(UnsupportedError):
                suite.hash_algorithm(key_type)


@pytest.mark.parametrize("name", ["", "bbs-2023", "EDDSA-RDFC-2022", "eddsa-2022", None, 7])
def test_unknown_suite_is_unsupported(name: object) -> None:
    with pytest.raises(UnsupportedError):
        get_suite(name)  # type: ignore[arg-type]


def test_declarations_are_immutable() -> None:
    suite = get_suite("eddsa-rdfc-2022")
    with pytest.raises(AttributeError):
        suite.name = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        suite.hashes[KeyType.P256] = "sha256"  # type: ignore[index]


def test_unknown_hash_is_refused() -> None:
    with pytest.raises(UnsupportedError):
        Cryptosuite("x", "jcs", {KeyType.ED25519: "md5"})
