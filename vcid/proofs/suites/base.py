"""What a Data Integrity cryptosuite is: a small frozen declaration.

A suite names its canonicalization (RDFC-1.0 over the JSON-LD dataset, or
JCS over the JSON), the key types it accepts, and the hash each key type
uses. The engine in :mod:`vcid.proofs.engine` runs the steps every suite
shares (VC Data Integrity 1.0 §4; vc-di-eddsa §3; vc-di-ecdsa §3):
configure the proof, transform (canonicalize), hash
``hash(proof config) || hash(document)``, and sign or verify with a
multibase base58btc (``z``) ``proofValue``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final, Literal, TypeAlias

from vcid.errors import UnsupportedError
from vcid.keys import KeyType

Canonicalization: TypeAlias = Literal["rdfc", "jcs"]

#: The hash functions a suite may name, by their hashlib names.
HASH_ALGORITHMS: Final = frozenset({"sha256", "sha384"})


@dataclass(frozen=True, slots=True)
class Cryptosuite:
    """A Data Integrity cryptosuite declaration.

    ``hashes`` maps each accepted key type to the hash used for both the
    proof configuration and the document (for example P-384 uses SHA-384,
    vc-di-ecdsa §3.3.4).
    """

    name: str
    canonicalization: Canonicalization
    hashes: Mapping[KeyType, str] = field(hash=False)
    #: The ``proofValue`` multibase header: always ``z`` (base58btc).
    multibase: Literal["z"] = "z"

    def __post_init__(self) -> None:
        for algorithm in self.hashes.values():
            if algorithm not in HASH_ALGORITHMS:
                raise UnsupportedError(f"hash algorithm {algorithm!r} is not supported")
        # Freeze the mapping so that a declaration cannot change after import.
        object.__setattr__(self, "hashes", MappingProxyType(dict(self.hashes)))

    @property
    def key_types(self) -> frozenset[KeyType]:
        """The key types this suite accepts."""
        return frozenset(self.hashes)

    def allows(self, key_type: KeyType) -> bool:
        """Whether ``key_type`` may sign or verify under this suite."""
        return key_type in self.hashes

    def hash_algorithm(self, key_type: KeyType) -> str:
        """The hashlib name of the hash used with ``key_type``.

        :raises UnsupportedError: if the suite does not accept ``key_type``.
        """
        try:
            return self.hashes[key_type]
        except KeyError:
            raise UnsupportedError(
                f"cryptosuite {self.name} does not accept {key_type.value} keys"
            ) from None

    def digest(self, key_type: KeyType, data: bytes) -> bytes:
        """Hash ``data`` with the hash this suite uses for ``key_type``.

        :raises UnsupportedError: if the suite does not accept ``key_type``.
        """
        return hashlib.new(self.hash_algorithm(key_type), data).digest()


__all__ = ["HASH_ALGORITHMS", "Canonicalization", "Cryptosuite"]
