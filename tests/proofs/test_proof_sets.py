"""Proof sets and proof chains (DI §2.1.1-2.1.2, §4.3, §4.5) on the W3C vectors."""

from __future__ import annotations

import copy
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from vcid.errors import UsageError
from vcid.jsonld.processor import JsonLdProcessor
from vcid.keys import PrivateKey
from vcid.proofs import AssertionPurpose, ProofOptions, add_proof, verify_proofs
from vcid.proofs.options import parse_datetime
from vcid.report import Check, Outcome, Verdict, fold

SIGNED = [
    "signedProofSet1.json",
    "signedProofSet2.json",
    "signedProofChain1.json",
    "signedProofChain2.json",
]


@pytest.fixture
def folder(vectors_dir: Path) -> Path:
    return vectors_dir / "vc-di-eddsa" / "proof-set-chain"


def _load(folder: Path, name: str) -> Any:
    return json.loads((folder / name).read_text(encoding="utf-8"))


def _keys(folder: Path) -> dict[str, PrivateKey]:
    """The four key pairs, by public multibase."""
    pairs = _load(folder, "multiKeyPairs.json")
    keys = {}
    for pair in pairs.values():
        key = PrivateKey.from_multibase(pair["privateKeyMultibase"])
        assert key.public_key.to_multibase() == pair["publicKeyMultibase"]
        keys[pair["publicKeyMultibase"]] = key
    return keys


def _options(config: dict[str, Any]) -> ProofOptions:
    previous = config.get("previousProof")
    return ProofOptions(
        config["verificationMethod"],
        proof_purpose=config["proofPurpose"],
        created=parse_datetime(config["created"], field_name="created"),
        id=config.get("id"),
        previous_proof=tuple(previous) if isinstance(previous, list) else previous,
    )


def _checks(
    document: Any, jsonld: JsonLdProcessor, resolver: Any, now: datetime
) -> dict[str, Check]:
    checks = verify_proofs(
        document, resolver=resolver, jsonld=jsonld, purpose=AssertionPurpose(), now=now
    )
    return {check.name: check for check in checks}


@pytest.mark.parametrize("name", SIGNED)
def test_signed_sets_and_chains_verify(
    name: str,
    folder: Path,
    vector_jsonld: JsonLdProcessor,
    resolver: Any,
    now: datetime,
) -> None:
    """Every proof of every proof-set and proof-chain vector verifies."""
    document = _load(folder, name)
    checks = _checks(document, vector_jsonld, resolver, now)
    assert fold(checks.values()) is Verdict.VALID, checks
    count = len(document["proof"]) if isinstance(document["proof"], list) else 1
    for index in range(count):
        assert checks[f"proof[{index}].signature"].outcome is Outcome.PASSED


def test_chain_links_are_checked(
    folder: Path, vector_jsonld: JsonLdProcessor, resolver: Any, now: datetime
) -> None:
    """The chained proofs report a passed previous_proof check."""
    checks = _checks(_load(folder, "signedProofChain2.json"), vector_jsonld, resolver, now)
    assert checks["proof[0].previous_proof"].outcome is Outcome.SKIPPED
    assert checks["proof[2].previous_proof"].outcome is Outcome.PASSED
    assert checks["proof[3].previous_proof"].outcome is Outcome.PASSED


def test_add_proof_builds_the_set_and_chain(folder: Path, vector_jsonld: JsonLdProcessor) -> None:
    """add_proof rebuilds each set and chain vector byte for byte."""
    keys = _keys(folder)
    steps = [
        ("unsigned.json", "proofSetConfig1.json", "signedProofSet1.json"),
        ("signedProofSet1.json", "proofSetConfig2.json", "signedProofSet2.json"),
        ("signedProofSet2.json", "proofChainConfig1.json", "signedProofChain1.json"),
        ("signedProofChain1.json", "proofChainConfig2.json", "signedProofChain2.json"),
    ]
    for start, config_name, result in steps:
        config = _load(folder, config_name)
        document = _load(folder, start)
        before = copy.deepcopy(document)
        multibase = config["verificationMethod"].split("#", 1)[1]
        signed = add_proof(
            document,
            signer=keys[multibase],
            suite=config["cryptosuite"],
            options=_options(config),
            jsonld=vector_jsonld,
        )
        assert document == before
        expected = (folder / result).read_text(encoding="utf-8")
        assert json.dumps(signed, indent=2, ensure_ascii=False) == expected, result


def test_missing_previous_proof_fails(
    folder: Path, vector_jsonld: JsonLdProcessor, resolver: Any, now: datetime
) -> None:
    """A chain whose previous proof was removed fails previous_proof."""
    document = _load(folder, "signedProofChain1.json")
    del document["proof"][0]  # the proof urn:uuid:26329423-... that proof 2 chains to
    checks = _checks(document, vector_jsonld, resolver, now)
    link = checks["proof[1].previous_proof"]
    assert link.outcome is Outcome.FAILED
    assert link.code == "INVALID_PROOF"
    assert checks["proof[1].signature"].outcome is Outcome.SKIPPED
    assert checks["proof[0].signature"].outcome is Outcome.PASSED
    assert fold(checks.values()) is Verdict.INVALID


def test_changed_previous_proof_breaks_the_chain(
    folder: Path, vector_jsonld: JsonLdProcessor, resolver: Any, now: datetime
) -> None:
    """Altering a chained-to proof breaks the chained proof's signature too."""
    document = _load(folder, "signedProofChain2.json")
    document["proof"][2]["created"] = "2023-02-26T22:06:39Z"
    checks = _checks(document, vector_jsonld, resolver, now)
    assert checks["proof[2].signature"].outcome is Outcome.FAILED
    assert checks["proof[3].signature"].outcome is Outcome.FAILED
    assert checks["proof[0].signature"].outcome is Outcome.PASSED


def test_every_proof_of_a_set_must_pass(
    folder: Path, vector_jsonld: JsonLdProcessor, resolver: Any, now: datetime
) -> None:
    """One bad proof in a set makes the document invalid (all, not some)."""
    document = _load(folder, "signedProofSet2.json")
    value = document["proof"][1]["proofValue"]
    document["proof"][1]["proofValue"] = value[:-2] + ("1" if value[-2] != "1" else "2") + value[-1]
    checks = _checks(document, vector_jsonld, resolver, now)
    assert checks["proof[0].signature"].outcome is Outcome.PASSED
    assert checks["proof[1].signature"].outcome is Outcome.FAILED
    assert fold(checks.values()) is Verdict.INVALID


def test_add_proof_rejects_unknown_previous_proof(
    folder: Path, vector_jsonld: JsonLdProcessor
) -> None:
    """previous_proof naming a proof the document lacks is a usage error."""
    keys = _keys(folder)
    config = _load(folder, "proofChainConfig2.json")
    multibase = config["verificationMethod"].split("#", 1)[1]
    with pytest.raises(UsageError):
        add_proof(
            _load(folder, "signedProofSet2.json"),
            signer=keys[multibase],
            suite="eddsa-rdfc-2022",
            options=_options(config),
            jsonld=vector_jsonld,
        )
