"""Key files: a signing key with the DID verification method it stands for.

Two forms are read and written.

An **encrypted key file** (the default when writing; vcid's own format)::

    {"type": "EncryptedMultikey",
     "id": "did:key:z6Mk...#z6Mk...", "controller": "did:key:z6Mk...",
     "publicKeyMultibase": "z6Mk...",
     "kdf": {"name": "scrypt", "salt": "<base64url>", "log2N": 17, "r": 8, "p": 1},
     "encryptedPrivateKeyPem": "-----BEGIN ENCRYPTED PRIVATE KEY-----\\n..."}

The private key is PKCS#8 (RFC 5958) PEM, encrypted by pyca/cryptography's
``BestAvailableEncryption`` (PBES2, RFC 8018). Its password is not the
passphrase itself but ``base64url(scrypt(passphrase, salt))`` (RFC 7914,
with the parameters in ``kdf``), so guessing a passphrase costs a
memory-hard scrypt run, not just PBKDF2's fixed 2,048 rounds.

A **plaintext key file** is a Multikey JSON object (Controlled Identifiers
§2.2.2)::

    {"id": "did:key:z6Mk...#z6Mk...", "type": "Multikey",
     "controller": "did:key:z6Mk...",
     "publicKeyMultibase": "z6Mk...", "secretKeyMultibase": "z3u2..."}

It is written only when the caller asks for it (``allow_plaintext=True``).
The spec vectors' key pairs (``publicKeyMultibase`` with
``privateKeyMultibase`` and no ``id``) are read too: their controller and
verification method are then the key's did:key. An Ed25519
``secretKeyMultibase`` in the 64-byte form of the JavaScript stack
(``@digitalbazaar/ed25519-multikey``: seed, then public key) is read too,
after checking its public half; vcid writes the 32-byte form. Files are
written with mode 0600, never overwritten, and errors never echo the
secret or the passphrase.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from vcid._json import JsonObject, dumps, load_object
from vcid.did.key import did_key_from_public_key
from vcid.encoding import base64url_decode, base64url_encode
from vcid.errors import (
    EncodingError,
    KeyFormatError,
    MalformedInputError,
    PassphraseRequired,
    UnsupportedError,
    UsageError,
    WrongPassphrase,
)
from vcid.keys import KeyType, PrivateKey, PublicKey

MAX_KEY_FILE_BYTES = 64 * 1024
#: The ``type`` of an encrypted key file.
ENCRYPTED_KEY_TYPE: Final = "EncryptedMultikey"
#: The longest passphrase accepted, in bytes.
MAX_PASSPHRASE_BYTES: Final = 4096
_SALT_BYTES: Final = 16
_PEM_BEGIN: Final = "-----BEGIN ENCRYPTED PRIVATE KEY-----"


@dataclass(frozen=True, slots=True, kw_only=True)
class ScryptParams:
    """scrypt cost parameters (RFC 7914 §2): N = 2**log2_n, r, p.

    The default (N = 2**17, r = 8, p = 1: 128 MiB, about 0.4 s) is OWASP's
    recommendation for scrypt. Reading a file accepts the same bounds, so a
    hostile file cannot demand unbounded memory or time.

    :raises UsageError: for parameters outside 2**10 <= N <= 2**20,
        1 <= r <= 32, 1 <= p <= 16 or above 1 GiB of memory.
    """

    log2_n: int = 17
    r: int = 8
    p: int = 1

    def __post_init__(self) -> None:
        for name, value, low, high in (
            ("log2_n", self.log2_n, 10, 20),
            ("r", self.r, 1, 32),
            ("p", self.p, 1, 16),
        ):
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise UsageError(f"scrypt {name} must be an integer from {low} to {high}")
        if 128 * self.r * (1 << self.log2_n) > 1 << 30:
            raise UsageError("scrypt parameters need more than 1 GiB of memory")

    def derive(self, passphrase: bytes, salt: bytes) -> bytes:
        """The PKCS#8 password for ``passphrase`` and ``salt``."""
        kdf = Scrypt(salt=salt, length=32, n=1 << self.log2_n, r=self.r, p=self.p)
        return base64url_encode(kdf.derive(passphrase)).encode("ascii")

    def to_json(self, salt: bytes) -> JsonObject:
        return {
            "name": "scrypt",
            "salt": base64url_encode(salt),
            "log2N": self.log2_n,
            "r": self.r,
            "p": self.p,
        }

    @classmethod
    def from_json(cls, value: object) -> tuple[ScryptParams, bytes]:
        """Read a ``kdf`` member: the parameters and the salt.

        :raises KeyFormatError: if it is malformed or out of bounds.
        """
        if not isinstance(value, Mapping) or value.get("name") != "scrypt":
            raise KeyFormatError("key file 'kdf' must be an object with name 'scrypt'")
        salt_text = value.get("salt")
        try:
            if not isinstance(salt_text, str):
                raise EncodingError("not a string")
            salt = base64url_decode(salt_text)
        except EncodingError:
            raise KeyFormatError("key file 'kdf.salt' must be base64url") from None
        if not 8 <= len(salt) <= 64:
            raise KeyFormatError("key file 'kdf.salt' must be 8 to 64 bytes")
        try:
            params = cls(log2_n=value.get("log2N"), r=value.get("r"), p=value.get("p"))  # type: ignore[arg-type]
        except UsageError as exc:
            raise KeyFormatError(f"key file 'kdf': {exc}") from None
        return params, salt


def _check_passphrase(passphrase: object) -> bytes:
    if not isinstance(passphrase, bytes):
        raise UsageError("a passphrase must be bytes")
    if not passphrase:
        raise UsageError("a passphrase must not be empty")
    if len(passphrase) > MAX_PASSPHRASE_BYTES:
        raise UsageError(f"a passphrase must be at most {MAX_PASSPHRASE_BYTES} bytes")
    return passphrase


def is_encrypted(document: Mapping[str, object]) -> bool:
    """Whether a key file object is the encrypted form."""
    return document.get("type") == ENCRYPTED_KEY_TYPE or "encryptedPrivateKeyPem" in document


@dataclass(frozen=True, slots=True)
class KeyFile:
    """A private key with its verification method id and controller DID."""

    key: PrivateKey
    verification_method: str
    controller: str

    @property
    def public_key(self) -> PublicKey:
        return self.key.public_key

    @property
    def signer(self) -> PrivateKey:
        """The key as a :class:`~vcid.keys.Signer`."""
        return self.key

    @classmethod
    def generate(cls, key_type: KeyType = KeyType.ED25519) -> KeyFile:
        """A new key whose controller is its own did:key."""
        return cls.for_did_key(PrivateKey.generate(key_type))

    @classmethod
    def for_did_key(cls, key: PrivateKey) -> KeyFile:
        """Bind ``key`` to its did:key (``did:key:z..#z..``)."""
        did = did_key_from_public_key(key.public_key)
        fragment = did.removeprefix("did:key:")
        return cls(key=key, verification_method=f"{did}#{fragment}", controller=did)

    @classmethod
    def from_json(
        cls, document: Mapping[str, object], *, passphrase: bytes | None = None
    ) -> KeyFile:
        """Read a key file object: a Multikey key pair or the encrypted form.

        :param passphrase: needed for an encrypted key file; ignored for a
            plaintext one.
        :raises KeyFormatError: if the keys are malformed or do not match, or
            the ids are not strings.
        :raises PassphraseRequired: for an encrypted file without a passphrase.
        :raises WrongPassphrase: if the passphrase does not decrypt the key.
        """
        if not isinstance(document, Mapping):
            raise KeyFormatError("a key file must be a JSON object")
        if is_encrypted(document):
            if passphrase is None:
                raise PassphraseRequired("the key file is encrypted: a passphrase is needed")
            key = _decrypt(document, _check_passphrase(passphrase))
        else:
            key = PrivateKey.from_multikey(document)
        vm_id = document.get("id")
        controller = document.get("controller")
        if vm_id is None and controller is None:
            return cls.for_did_key(key)
        if not isinstance(vm_id, str) or not isinstance(controller, str):
            raise KeyFormatError("key file: 'id' and 'controller' must be strings")
        if not vm_id.startswith(controller + "#") and not vm_id.startswith(controller + "/"):
            raise KeyFormatError("key file: 'id' must be a verification method of 'controller'")
        return cls(key=key, verification_method=vm_id, controller=controller)

    def to_json(self) -> JsonObject:
        """The plaintext Multikey object, secret included: handle with care."""
        return {
            "@context": ["https://w3id.org/security/multikey/v1"],
            "id": self.verification_method,
            "type": "Multikey",
            "controller": self.controller,
            "publicKeyMultibase": self.public_key.to_multibase(),
            "secretKeyMultibase": self.key.secret_multibase(),
        }

    def to_encrypted_json(
        self, passphrase: bytes, *, kdf: ScryptParams | None = None
    ) -> JsonObject:
        """The encrypted key file object (see the module docstring).

        :param passphrase: the passphrase (bytes, 1 to 4096 of them).
        :param kdf: scrypt costs; :class:`ScryptParams` defaults otherwise.
        :raises UsageError: for an empty, over-long or non-bytes passphrase.
        """
        password_source = _check_passphrase(passphrase)
        params = ScryptParams() if kdf is None else kdf
        salt = secrets.token_bytes(_SALT_BYTES)
        pem = self.key.to_cryptography().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(params.derive(password_source, salt)),
        )
        return {
            "type": ENCRYPTED_KEY_TYPE,
            "id": self.verification_method,
            "controller": self.controller,
            "publicKeyMultibase": self.public_key.to_multibase(),
            "kdf": params.to_json(salt),
            "encryptedPrivateKeyPem": pem.decode("ascii"),
        }

    def __repr__(self) -> str:
        return (
            f"KeyFile(verification_method={self.verification_method!r}, "
            f"key_type={self.key.key_type.value!r})"
        )

    __str__ = __repr__


def _decrypt(document: Mapping[str, object], passphrase: bytes) -> PrivateKey:
    """Decrypt the ``encryptedPrivateKeyPem`` of an encrypted key file."""
    if document.get("type") != ENCRYPTED_KEY_TYPE:
        raise KeyFormatError(f"an encrypted key file's 'type' must be {ENCRYPTED_KEY_TYPE!r}")
    params, salt = ScryptParams.from_json(document.get("kdf"))
    pem = document.get("encryptedPrivateKeyPem")
    if not isinstance(pem, str) or not pem.startswith(_PEM_BEGIN) or not pem.isascii():
        raise KeyFormatError("key file 'encryptedPrivateKeyPem' must be an encrypted PKCS#8 PEM")
    try:
        loaded = serialization.load_pem_private_key(
            pem.encode("ascii"), password=params.derive(passphrase, salt)
        )
    except (ValueError, TypeError):
        # pyca says "Incorrect password" or fails to parse the decrypted
        # bytes; both mean the passphrase (or the file) is not the right one.
        raise WrongPassphrase(
            "the passphrase does not decrypt the key (or the key is damaged)"
        ) from None
    if not isinstance(loaded, ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey):
        raise UnsupportedError("the encrypted key is not an Ed25519, P-256 or P-384 key")
    key = PrivateKey.from_cryptography(loaded)
    public_text = document.get("publicKeyMultibase")
    if public_text is not None:
        if not isinstance(public_text, str):
            raise KeyFormatError("publicKeyMultibase must be a string")
        if PublicKey.from_multibase(public_text) != key.public_key:
            raise KeyFormatError("publicKeyMultibase does not match the encrypted key")
    return key


def read_key_file(path: str | os.PathLike[str], *, passphrase: bytes | None = None) -> KeyFile:
    """Load a key file, plaintext or encrypted.

    :param passphrase: the passphrase of an encrypted key file (bytes).
    :raises UsageError: if the file cannot be read.
    :raises PassphraseRequired: if it is encrypted and no passphrase is given.
    :raises WrongPassphrase: if the passphrase does not decrypt it.
    :raises MalformedInputError: if it is not a valid key file.
    """
    path = Path(path)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_KEY_FILE_BYTES + 1)
    except OSError as exc:
        raise UsageError(f"cannot read key file {path}: {exc.strerror}") from None
    try:
        return KeyFile.from_json(
            load_object(data, max_bytes=MAX_KEY_FILE_BYTES), passphrase=passphrase
        )
    except (MalformedInputError, UsageError) as exc:
        raise type(exc)(f"key file {path}: {exc}") from None


def write_key_file(
    key_file: KeyFile,
    path: str | os.PathLike[str],
    *,
    passphrase: bytes | None,
    allow_plaintext: bool = False,
    kdf: ScryptParams | None = None,
) -> None:
    """Write ``key_file`` with owner-only permissions, atomically.

    :param passphrase: encrypts the key (see the module docstring); ``None``
        writes the plaintext Multikey form, which needs ``allow_plaintext``.
    :param allow_plaintext: the explicit opt-in to a plaintext key on disk.
    :param kdf: scrypt costs for an encrypted file.
    :raises UsageError: if the file exists or cannot be written, for a
        plaintext key without ``allow_plaintext``, or a bad passphrase.
    """
    path = Path(path)
    if passphrase is None:
        if not allow_plaintext:
            raise UsageError(
                f"refusing to write an unencrypted key file {path}: "
                "give a passphrase or allow plaintext explicitly"
            )
        document = key_file.to_json()
    else:
        document = key_file.to_encrypted_json(passphrase, kdf=kdf)
    text = dumps(document) + "\n"
    temporary = path.with_name(f".{path.name}.tmp{os.getpid()}")
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.link(temporary, path)  # fails rather than overwrite a key
    except FileExistsError:
        raise UsageError(f"refusing to overwrite existing key file {path}") from None
    except OSError as exc:
        raise UsageError(f"cannot write key file {path}: {exc.strerror}") from None
    finally:
        if temporary.exists():
            temporary.unlink()


__all__ = [
    "ENCRYPTED_KEY_TYPE",
    "MAX_PASSPHRASE_BYTES",
    "KeyFile",
    "ScryptParams",
    "is_encrypted",
    "read_key_file",
    "write_key_file",
]
