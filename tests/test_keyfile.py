"""Key files: encrypted (or, on request, Multikey) JSON on disk, owner-only, never overwritten."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vcid import KeyFile, KeyType
from vcid._json import JsonObject
from vcid.encoding import (
    Multicodec,
    base64url_decode,
    multibase_decode,
    multibase_encode,
    multicodec_unwrap,
    multicodec_wrap,
)
from vcid.errors import (
    KeyFormatError,
    MalformedInputError,
    PassphraseRequired,
    UsageError,
    WrongPassphrase,
)
from vcid.keyfile import ScryptParams, read_key_file, write_key_file

#: Cheap scrypt costs so the tests stay fast; one test uses the defaults.
FAST = ScryptParams(log2_n=10, r=8, p=1)
PASSPHRASE = b"a registrar's long passphrase"


@pytest.mark.parametrize("key_type", list(KeyType))
def test_encrypted_round_trip(tmp_path: Path, key_type: KeyType) -> None:
    """An encrypted key file reads back, with its passphrase, as the same key and method."""
    key = KeyFile.generate(key_type)
    path = tmp_path / "k.json"
    write_key_file(key, path, passphrase=PASSPHRASE, kdf=FAST)
    text = path.read_text()
    assert key.key.secret_multibase() not in text
    assert "secretKeyMultibase" not in text
    assert PASSPHRASE.decode() not in text
    document = json.loads(text)
    assert document["type"] == "EncryptedMultikey"
    assert document["kdf"]["log2N"] == 10
    loaded = read_key_file(path, passphrase=PASSPHRASE)
    assert loaded.key == key.key
    assert loaded.verification_method == key.verification_method
    assert loaded.controller == key.controller
    assert path.stat().st_mode & 0o777 == 0o600


def test_default_costs_round_trip(tmp_path: Path) -> None:
    """The default scrypt costs (N = 2**17) are written and honoured when reading."""
    key = KeyFile.generate()
    path = tmp_path / "k.json"
    write_key_file(key, path, passphrase=PASSPHRASE)
    assert json.loads(path.read_text())["kdf"] | {"salt": ""} == {
        "name": "scrypt",
        "salt": "",
        "log2N": 17,
        "r": 8,
        "p": 1,
    }
    assert read_key_file(path, passphrase=PASSPHRASE).key == key.key


def test_pem_is_standard_pkcs8_under_the_scrypt_password() -> None:
    """The PEM is plain PKCS#8 that pyca opens with the scrypt-derived password only."""
    key = KeyFile.generate(KeyType.P256)
    document = key.to_encrypted_json(PASSPHRASE, kdf=FAST)
    kdf = document["kdf"]
    assert isinstance(kdf, dict)
    assert isinstance(kdf["salt"], str)
    pem = str(document["encryptedPrivateKeyPem"]).encode()
    password = FAST.derive(PASSPHRASE, base64url_decode(kdf["salt"]))
    loaded = serialization.load_pem_private_key(pem, password=password)
    assert loaded.public_key() == key.public_key.to_cryptography()
    with pytest.raises(ValueError):
        serialization.load_pem_private_key(pem, password=PASSPHRASE)


def test_salt_is_fresh_per_write() -> None:
    """Encrypting the same key twice gives different salts and ciphertexts."""
    key = KeyFile.generate()
    one = key.to_encrypted_json(PASSPHRASE, kdf=FAST)
    two = key.to_encrypted_json(PASSPHRASE, kdf=FAST)
    assert one["kdf"] != two["kdf"]
    assert one["encryptedPrivateKeyPem"] != two["encryptedPrivateKeyPem"]


def test_wrong_passphrase_is_typed_and_does_not_echo(tmp_path: Path) -> None:
    """A wrong passphrase raises WrongPassphrase naming the file, never either passphrase."""
    path = tmp_path / "registrar.key"
    write_key_file(KeyFile.generate(), path, passphrase=PASSPHRASE, kdf=FAST)
    with pytest.raises(WrongPassphrase) as caught:
        read_key_file(path, passphrase=b"guess-1234")
    message = str(caught.value)
    assert "registrar.key" in message
    assert "guess-1234" not in message
    assert PASSPHRASE.decode() not in message
    assert caught.value.code == "WRONG_PASSPHRASE"


def test_missing_passphrase_names_the_file(tmp_path: Path) -> None:
    """An encrypted file read without a passphrase raises PassphraseRequired naming it."""
    path = tmp_path / "registrar.key"
    write_key_file(KeyFile.generate(), path, passphrase=PASSPHRASE, kdf=FAST)
    with pytest.raises(PassphraseRequired, match=r"registrar\.key"):
        read_key_file(path)


def test_plaintext_refused_unless_allowed(tmp_path: Path) -> None:
    """passphrase=None writes nothing unless allow_plaintext=True; then it is Multikey."""
    key = KeyFile.generate()
    path = tmp_path / "k.json"
    with pytest.raises(UsageError, match="unencrypted"):
        write_key_file(key, path, passphrase=None)
    assert list(tmp_path.iterdir()) == []
    write_key_file(key, path, passphrase=None, allow_plaintext=True)
    document = json.loads(path.read_text())
    assert document["type"] == "Multikey"
    assert document["secretKeyMultibase"] == key.key.secret_multibase()
    assert read_key_file(path).key == key.key
    # a passphrase given for a plaintext file is not needed, and harmless
    assert read_key_file(path, passphrase=b"unused").key == key.key


@pytest.mark.parametrize("bad", ["text passphrase", b"", b"x" * 4097, bytearray(b"pw")])
def test_bad_passphrase_values(tmp_path: Path, bad: object) -> None:
    """A passphrase must be non-empty bytes of at most 4096: others are usage errors."""
    with pytest.raises(UsageError):
        write_key_file(KeyFile.generate(), tmp_path / "k", passphrase=bad, kdf=FAST)  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


@given(passphrase=st.binary(min_size=1, max_size=64))
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_bytes_passphrase_round_trips(passphrase: bytes) -> None:
    """Any non-empty bytes work as a passphrase; a longer or changed one does not.

    (scrypt keys HMAC with the passphrase, so trailing NUL bytes are not
    significant: ``pw`` and ``pw\\x00`` are one passphrase, as in every
    PBKDF2-based scheme.)
    """
    key = KeyFile.generate()
    document = key.to_encrypted_json(passphrase, kdf=FAST)
    assert KeyFile.from_json(document, passphrase=passphrase).key == key.key
    with pytest.raises(WrongPassphrase):
        KeyFile.from_json(document, passphrase=passphrase + b"!")
    changed = bytes([passphrase[0] ^ 1]) + passphrase[1:]
    with pytest.raises(WrongPassphrase):
        KeyFile.from_json(document, passphrase=changed)


def _encrypted(**changes: object) -> dict[str, object]:
    document: dict[str, object] = dict(KeyFile.generate().to_encrypted_json(PASSPHRASE, kdf=FAST))
    document.update(changes)
    return document


@pytest.mark.parametrize(
    "changes",
    [
        {"publicKeyMultibase": KeyFile.generate().public_key.to_multibase()},
        {"kdf": {"name": "pbkdf2", "salt": "AAAAAAAAAAAAAAAAAAAAAA", "log2N": 10, "r": 8, "p": 1}},
        {"kdf": {"name": "scrypt", "salt": "AAAAAAAAAAAAAAAAAAAAAA", "log2N": 30, "r": 8, "p": 1}},
        {"kdf": {"name": "scrypt", "salt": "AAAAAAAAAAAAAAAAAAAAAA", "log2N": 10, "r": 0, "p": 1}},
        {"kdf": {"name": "scrypt", "salt": "not base64url!", "log2N": 10, "r": 8, "p": 1}},
        {"kdf": {"name": "scrypt", "salt": "AAAA", "log2N": 10, "r": 8, "p": 1}},
        {"kdf": None},
        {"encryptedPrivateKeyPem": "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"},
        {"encryptedPrivateKeyPem": 7},
        {"type": "Multikey"},
        {"controller": "did:example:other"},
    ],
)
def test_malformed_encrypted_files(changes: dict[str, object]) -> None:
    """A tampered or hostile encrypted file is malformed input, found before any costly work."""
    with pytest.raises(MalformedInputError):
        KeyFile.from_json(_encrypted(**changes), passphrase=PASSPHRASE)


def test_damaged_ciphertext_is_wrong_passphrase() -> None:
    """A damaged ciphertext cannot be told from a wrong passphrase: WrongPassphrase."""
    document = _encrypted()
    pem = str(document["encryptedPrivateKeyPem"])
    lines = pem.splitlines()
    lines[2] = lines[2][:10] + ("A" if lines[2][10] != "A" else "B") + lines[2][11:]
    document["encryptedPrivateKeyPem"] = "\n".join(lines) + "\n"
    with pytest.raises(WrongPassphrase):
        KeyFile.from_json(document, passphrase=PASSPHRASE)


def test_scrypt_params_bounds() -> None:
    """Costs outside the documented bounds are refused when writing."""
    for kwargs in ({"log2_n": 9}, {"log2_n": 21}, {"r": 33}, {"p": 0}, {"log2_n": 20, "r": 16}):
        with pytest.raises(UsageError):
            ScryptParams(**kwargs)


def test_repr_hides_secret() -> None:
    """Neither repr nor str of a key file shows the secret."""
    key = KeyFile.generate()
    secret = key.key.secret_multibase()
    assert secret not in repr(key)
    assert secret not in str(key)


def test_no_overwrite_and_no_leftovers(tmp_path: Path) -> None:
    """Writing over an existing key file fails and leaves it and the folder as they were."""
    path = tmp_path / "k.json"
    write_key_file(KeyFile.generate(), path, passphrase=PASSPHRASE, kdf=FAST)
    before = path.read_bytes()
    with pytest.raises(UsageError):
        write_key_file(KeyFile.generate(), path, passphrase=PASSPHRASE, kdf=FAST)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["k.json"]


def test_mismatched_id_and_controller(tmp_path: Path) -> None:
    """A verification method id outside its controller's DID is refused."""
    document = KeyFile.generate().to_json()
    document["controller"] = "did:example:other"
    path = tmp_path / "k.json"
    path.write_text(json.dumps(document))
    with pytest.raises(KeyFormatError):
        read_key_file(path)


def test_unreadable_and_malformed(tmp_path: Path) -> None:
    """A missing file is a usage error; bad JSON is malformed input."""
    with pytest.raises(UsageError):
        read_key_file(tmp_path / "missing.json")
    path = tmp_path / "bad.json"
    path.write_text("{")
    with pytest.raises(MalformedInputError):
        read_key_file(path)


def test_vector_key_pair_binds_to_did_key(vectors_dir: Path) -> None:
    """The spec vectors' key pair (no id) becomes its own did:key method."""
    key = read_key_file(vectors_dir / "vc-di-eddsa" / "keyPair.json")
    multibase = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
    assert key.controller == f"did:key:{multibase}"
    assert key.verification_method == f"did:key:{multibase}#{multibase}"


def _js_key_file(key: KeyFile, public_half: bytes | None = None) -> JsonObject:
    """A plaintext key file as the JS stack writes it: a 64-byte secretKeyMultibase."""
    seed = multicodec_unwrap(multibase_decode(key.signer.secret_multibase()))[1]
    half = key.public_key.raw if public_half is None else public_half
    document = key.to_json()
    document["secretKeyMultibase"] = multibase_encode(
        multicodec_wrap(Multicodec.ED25519_PRIV, seed + half)
    )
    return document


def test_js_64_byte_secret_key_file_is_read_and_written_as_32(tmp_path: Path) -> None:
    """A key file with the JS 64-byte secret loads, and is written back in the 32-byte form."""
    original = KeyFile.generate(KeyType.ED25519)
    path = tmp_path / "js-key.json"
    path.write_text(json.dumps(_js_key_file(original)))
    loaded = read_key_file(path)
    assert loaded.signer == original.signer
    assert loaded.verification_method == original.verification_method
    assert loaded.signer.sign(b"data") == original.signer.sign(b"data")
    assert loaded.to_json()["secretKeyMultibase"] == original.to_json()["secretKeyMultibase"]
    out = tmp_path / "out.json"
    write_key_file(loaded, out, passphrase=None, allow_plaintext=True)
    assert json.loads(out.read_text())["secretKeyMultibase"] == original.signer.secret_multibase()


def test_js_64_byte_secret_with_wrong_public_half_is_refused(tmp_path: Path) -> None:
    original = KeyFile.generate(KeyType.ED25519)
    document = _js_key_file(original, public_half=bytes(32))
    path = tmp_path / "bad-js-key.json"
    path.write_text(json.dumps(document))
    with pytest.raises(KeyFormatError, match="public half") as info:
        read_key_file(path)
    assert str(document["secretKeyMultibase"]) not in str(info.value)
