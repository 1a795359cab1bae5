"""Shared fixtures for the VC Data Model tests: minimal documents and the
W3C suite's input preparation."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from vcid.model import format_datetime

SUITE_ISSUER = "did:example:issuer"

MINIMAL_VC: dict[str, Any] = {
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    "type": ["VerifiableCredential"],
    "issuer": "did:example:issuer",
    "credentialSubject": {"id": "did:example:subject"},
}

MINIMAL_VC_11: dict[str, Any] = {
    "@context": ["https://www.w3.org/2018/credentials/v1"],
    "type": ["VerifiableCredential"],
    "issuer": "did:example:issuer",
    "issuanceDate": "2010-01-01T19:23:24Z",
    "credentialSubject": {"id": "did:example:subject"},
}

MINIMAL_VP: dict[str, Any] = {
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    "type": ["VerifiablePresentation"],
}


def _prepare_like_suite(document: dict[str, Any]) -> dict[str, Any]:
    """Mimic w3c/vc-data-model-2.0-test-suite before it posts a credential.

    ``mock.data.js`` fills ``issuer`` from its config when absent, and an
    issuer object's missing ``id``; a file that sets ``issuer`` to null keeps
    it. (The suite's ``issuer.id || config`` would also overwrite an explicit
    ``"id": null``; we keep that null so the file tests what its name says.)
    ``assertions.js`` swaps the ``PAST DATE``/``FUTURE DATE`` placeholders
    for now -/+ one year.
    """
    doc = copy.deepcopy(document)
    if "issuer" not in doc:
        doc["issuer"] = SUITE_ISSUER
    elif isinstance(doc["issuer"], dict) and "id" not in doc["issuer"]:
        doc["issuer"]["id"] = SUITE_ISSUER
    now = datetime.now(UTC).replace(microsecond=0)
    placeholders = {
        "PAST DATE": format_datetime(now - timedelta(days=365)),
        "FUTURE DATE": format_datetime(now + timedelta(days=365)),
    }
    for name in ("validFrom", "validUntil"):
        value = doc.get(name)
        if isinstance(value, str) and value in placeholders:
            doc[name] = placeholders[value]
    return doc


@pytest.fixture
def prepare_like_suite() -> Callable[[dict[str, Any]], dict[str, Any]]:
    """The suite's preparation of a credential input (see above)."""
    return _prepare_like_suite


@pytest.fixture
def vc() -> dict[str, Any]:
    """A fresh minimal valid VCDM 2.0 credential."""
    return copy.deepcopy(MINIMAL_VC)


@pytest.fixture
def vc11() -> dict[str, Any]:
    """A fresh minimal valid VCDM 1.1 credential."""
    return copy.deepcopy(MINIMAL_VC_11)


@pytest.fixture
def vp() -> dict[str, Any]:
    """A fresh minimal valid VCDM 2.0 presentation with one credential."""
    doc = copy.deepcopy(MINIMAL_VP)
    doc["verifiableCredential"] = [copy.deepcopy(MINIMAL_VC)]
    return doc
