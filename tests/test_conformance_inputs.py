"""The W3C VC Data Model 2.0 suite's inputs, posted to vcid's issuer.

The suite sends each ``*-ok`` credential to an issuer and expects it signed,
and each ``*-fail`` one and expects a rejection. Four failures are only
visible to JSON-LD processing (redefined protected terms, a type mapped to a
non-URL, an unmapped type); the data model tests leave those to this one.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from vcid import KeyFile, KeyType
from vcid.errors import VcidError
from vcid.issuer import issue
from vcid.jsonld import JsonLdProcessor, bundled_loader
from vcid.model import format_datetime
from vcid.verifier import CredentialVerifier, VerificationEnvironment

EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"
KEY = KeyFile.generate(KeyType.ED25519)


@pytest.fixture(scope="module")
def processor(vectors_dir: Path) -> JsonLdProcessor:
    examples = json.loads((vectors_dir / "contexts" / "credentials-examples-v2.jsonld").read_text())
    return JsonLdProcessor(bundled_loader().extended({EXAMPLES_V2: examples}))


def _inputs() -> list[str]:
    from tests.conftest import shared_vectors  # noqa: PLC0415 - collection time

    root = shared_vectors()
    if root is None:
        return []
    folder = root / "vc-data-model-2.0" / "input"
    names = sorted(str(p.relative_to(folder)) for p in folder.rglob("*.json"))
    return [n for n in names if Path(n).name.startswith("credential-") or "/" in n]


def _prepare(name: str, document: dict[str, Any]) -> dict[str, Any]:
    """Fill what the suite fills: the issuer (ours) and the date placeholders."""
    now = datetime.now(UTC).replace(microsecond=0)
    for field, value in document.items():
        if value == "PAST DATE":
            document[field] = format_datetime(now - timedelta(days=365))
        elif value == "FUTURE DATE":
            document[field] = format_datetime(now + timedelta(days=365))
    issuer = document.get("issuer")
    if "issuer" not in document:
        document["issuer"] = KEY.controller
    elif "issuer" not in Path(name).name:
        if isinstance(issuer, dict):
            issuer["id"] = KEY.controller
        elif isinstance(issuer, str):
            document["issuer"] = KEY.controller
    elif isinstance(issuer, dict) and "id" not in issuer:
        issuer["id"] = KEY.controller
    return document


@pytest.mark.parametrize("name", _inputs())
def test_suite_input_is_issued_or_refused(
    vectors_dir: Path, processor: JsonLdProcessor, name: str
) -> None:
    """`*-ok` inputs are signed and then verify; `*-fail` inputs are refused."""
    path = vectors_dir / "vc-data-model-2.0" / "input" / name
    document = _prepare(name, json.loads(path.read_text()))
    if "-ok" in Path(name).name:
        signed = issue(document, key=KEY, jsonld=processor)
        if "proof" in document:
            return  # its own proof uses a legacy suite vcid does not verify
        report = CredentialVerifier(
            environment=VerificationEnvironment(jsonld=processor)
        ).verify_credential(signed)
        # Valid data, not necessarily valid now (some inputs expired long ago),
        # and status lists are not checked here.
        failures = {c.name for c in report.failures()}
        assert failures <= {"validity", "status"}, report.to_text()
    else:
        with pytest.raises(VcidError):
            issue(document, key=KEY, jsonld=processor)
