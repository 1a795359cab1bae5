"""The cryptosuite registry: every Data Integrity suite vcid implements."""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from vcid.errors import UnsupportedError
from vcid.proofs.suites.base import Canonicalization, Cryptosuite
from vcid.proofs.suites.ecdsa_jcs_2019 import ECDSA_JCS_2019
from vcid.proofs.suites.ecdsa_rdfc_2019 import ECDSA_RDFC_2019
from vcid.proofs.suites.eddsa_jcs_2022 import EDDSA_JCS_2022
from vcid.proofs.suites.eddsa_rdfc_2022 import EDDSA_RDFC_2022

_REGISTRY: Final = MappingProxyType(
    {
        suite.name: suite
        for suite in (EDDSA_RDFC_2022, EDDSA_JCS_2022, ECDSA_RDFC_2019, ECDSA_JCS_2019)
    }
)

#: The names of the cryptosuites vcid implements.
SUPPORTED_SUITES: Final[frozenset[str]] = frozenset(_REGISTRY)


def get_suite(name: str) -> Cryptosuite:
    """The cryptosuite declared under ``name`` (the proof's ``cryptosuite``).

    :param name: a cryptosuite identifier such as ``eddsa-rdfc-2022``.
    :raises UnsupportedError: if vcid does not implement that cryptosuite.
    """
    suite = _REGISTRY.get(name) if isinstance(name, str) else None
    if suite is None:
        raise UnsupportedError(f"unsupported cryptosuite {str(name)[:64]!r}")
    return suite


__all__ = [
    "ECDSA_JCS_2019",
    "ECDSA_RDFC_2019",
    "EDDSA_JCS_2022",
    "EDDSA_RDFC_2022",
    "SUPPORTED_SUITES",
    "Canonicalization",
    "Cryptosuite",
    "get_suite",
]
