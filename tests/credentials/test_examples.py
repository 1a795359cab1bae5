"""docs/examples are what the builders make, and each verifies once signed with every suite."""

from __future__ import annotations

import importlib.util
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import pytest

from vcid import KeyFile, KeyType
from vcid._json import JsonObject
from vcid.issuer import issue
from vcid.proofs import SUPPORTED_SUITES
from vcid.schema import validate_credential_schemas
from vcid.verifier import CredentialVerifier

ROOT = Path(__file__).resolve().parent.parent.parent
NAMES = ("birth-credential.json", "guardianship-credential.json", "travel-consent-credential.json")
CREATED = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
CHECKED_AT = datetime(2026, 2, 20, tzinfo=UTC)
KEY_TYPES = {"eddsa": KeyType.ED25519, "ecdsa": KeyType.P256}


def _script() -> ModuleType:
    path = ROOT / "scripts" / "make_examples.py"
    spec = importlib.util.spec_from_file_location("vcid_make_examples", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def script() -> ModuleType:
    return _script()


@pytest.fixture(scope="module")
def verifier() -> CredentialVerifier:
    return CredentialVerifier()


def committed(name: str) -> JsonObject:
    document = json.loads((ROOT / "docs" / "examples" / name).read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


def test_committed_examples_are_what_the_builders_make(script: ModuleType) -> None:
    """Rebuilding with the script's fixed time and ids gives the committed files, byte for byte."""
    built = script.build_examples()
    assert sorted(built) == sorted(NAMES)
    for name, document in built.items():
        assert committed(name) == document, name
        text = (ROOT / "docs" / "examples" / name).read_text(encoding="utf-8")
        assert text == script.render(document), name
    assert script.main(["--check"]) == 0


def _as_issued_by(document: JsonObject, key: KeyFile) -> JsonObject:
    """The example with its issuer's DID (wherever it appears) replaced by the key's."""
    issuer = document["issuer"]
    assert isinstance(issuer, str)
    swapped = json.loads(
        json.dumps(document).replace(json.dumps(issuer), json.dumps(key.controller))
    )
    assert isinstance(swapped, dict)
    return swapped


@pytest.mark.parametrize("suite", sorted(SUPPORTED_SUITES))
@pytest.mark.parametrize("name", NAMES)
def test_each_example_verifies_with_each_suite(
    verifier: CredentialVerifier, name: str, suite: str
) -> None:
    """Signed with issue() (Ed25519 or P-256), each example verifies; a tampered copy does not."""
    key = KeyFile.generate(KEY_TYPES[suite.split("-", maxsplit=1)[0]])
    document = _as_issued_by(committed(name), key)
    signed = issue(document, key=key, cryptosuite=suite, created=CREATED)
    assert validate_credential_schemas(signed)
    report = verifier.verify_credential(signed, now=CHECKED_AT)
    assert report.verified, report.to_text()
    signed["validFrom"] = "2026-01-15T09:00:01Z"  # tampered after signing
    tampered = verifier.verify_credential(signed, now=CHECKED_AT)
    assert not tampered.verified
    assert any(check.code == "INVALID_SIGNATURE" for check in tampered.checks)
