"""Key files: a signing key with the DID verification method it stands for.

A key file is a Multikey JSON object (Controlled Identifiers §2.2.2)::

    {"id": "did:key:z6Mk...#z6Mk...", "type": "Multikey",
     "controller": "did:key:z6Mk...",
     "publicKeyMultibase": "z6Mk...", "secretKeyMultibase": "z3u2..."}

The spec vectors' key pairs (``publicKeyMultibase`` with
``privateKeyMultibase`` and no ``id``) are read too: their controller and
verification method are then the key's did:key. Files are written with
mode 0600 and never echo the secret in errors.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from vcid._json import JsonObject, dumps, load_object
from vcid.did.key import did_key_from_public_key
from vcid.errors import KeyFormatError, MalformedInputError, UsageError
from vcid.keys import KeyType, PrivateKey, PublicKey

MAX_KEY_FILE_BYTES = 64 * 1024


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
    def from_json(cls, document: Mapping[str, object]) -> KeyFile:
        """Read a Multikey key pair object.

        :raises KeyFormatError: if the keys are malformed or do not match, or
            the ids are not strings.
        """
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
        """The Multikey object, secret included: handle with care."""
        return {
            "@context": ["https://w3id.org/security/multikey/v1"],
            "id": self.verification_method,
            "type": "Multikey",
            "controller": self.controller,
            "publicKeyMultibase": self.public_key.to_multibase(),
            "secretKeyMultibase": self.key.secret_multibase(),
        }

    def __repr__(self) -> str:
        return (
            f"KeyFile(verification_method={self.verification_method!r}, "
            f"key_type={self.key.key_type.value!r})"
        )


def read_key_file(path: str | os.PathLike[str]) -> KeyFile:
    """Load a key file.

    :raises UsageError: if the file cannot be read.
    :raises MalformedInputError: if it is not a valid Multikey key pair.
    """
    path = Path(path)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_KEY_FILE_BYTES + 1)
    except OSError as exc:
        raise UsageError(f"cannot read key file {path}: {exc.strerror}") from None
    try:
        return KeyFile.from_json(load_object(data, max_bytes=MAX_KEY_FILE_BYTES))
    except MalformedInputError as exc:
        raise type(exc)(f"key file {path}: {exc}") from None


def write_key_file(key_file: KeyFile, path: str | os.PathLike[str]) -> None:
    """Write ``key_file`` with owner-only permissions, atomically.

    :raises UsageError: if the file exists or cannot be written.
    """
    path = Path(path)
    text = dumps(key_file.to_json()) + "\n"
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


__all__ = ["KeyFile", "read_key_file", "write_key_file"]
