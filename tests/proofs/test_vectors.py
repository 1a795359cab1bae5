"""The W3C vc-di-eddsa and vc-di-ecdsa test vectors, reproduced byte for byte.

Each case of ``vc-di-eddsa/cases.json`` and ``vc-di-ecdsa/cases.json`` is
re-derived from its key pair, unsigned document and proof options: the
canonical document, its hash, the canonical proof configuration, its hash,
the signature (Ed25519 and RFC 6979 ECDSA are deterministic) and the whole
signed document. Every signed document must verify, and must stop verifying
when its signature or its subject is altered.
"""

from __future__ import annotations

import copy
import hashlib
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from vcid.canon.rdfc10 import canonical_nquads
from vcid.encoding import multibase_decode, multibase_encode
from vcid.errors import InvalidSignature
from vcid.jsonld.processor import JsonLdProcessor
from vcid.keys import PrivateKey
from vcid.proofs import AssertionPurpose, ProofOptions, add_proof, verify_proofs
from vcid.proofs.engine import proof_configuration, transform
from vcid.proofs.options import parse_datetime
from vcid.proofs.suites import get_suite
from vcid.report import Check, Outcome, Verdict, fold

EDDSA_CASES = [
    "eddsa-rdfc-2022/alumni",
    "eddsa-rdfc-2022/employment",
    "eddsa-jcs-2022/alumni",
]
ECDSA_CASES = [
    "ecdsa-rdfc-2019/P-256/alumni",
    "ecdsa-rdfc-2019/P-256/employment",
    "ecdsa-jcs-2019/P-256/alumni",
    "ecdsa-rdfc-2019/P-384/alumni",
    "ecdsa-rdfc-2019/P-384/employment",
    "ecdsa-jcs-2019/P-384/alumni",
]
ALL_CASES = EDDSA_CASES + ECDSA_CASES

# The one upstream defect (vectors README, cases.json "knownIssue"): the
# P-384 employment canonical document is not what RDFC-1.0 (with its default
# SHA-256) gives for employmentAuth.json; its blank-node labels are those of
# RDFC-1.0 run with SHA-384 as its internal hash, which vc-di-ecdsa does not
# ask for. Its hash and signature match the shipped canonical text.
DEFECT = "canonical document not reproducible (upstream defect, see vectors README)"


class Case:
    """One vector case, with its files read from the vectors folder."""

    def __init__(self, folder: Path, entry: dict[str, Any]) -> None:
        self.folder = folder
        self.entry = entry

    def text(self, key: str) -> str:
        return (self.folder / str(self.entry[key])).read_text(encoding="utf-8")

    def json(self, key: str) -> Any:
        return json.loads(self.text(key))

    def hex(self, key: str) -> bytes:
        return bytes.fromhex(self.text(key).strip())

    @property
    def suite(self) -> str:
        return str(self.entry["cryptosuite"])

    @property
    def reproducible(self) -> bool:
        return bool(self.entry["canonicalDocumentReproducible"])

    def private_key(self) -> PrivateKey:
        pair = self.json("keyPair")
        secret = pair.get("secretKeyMultibase") or pair["privateKeyMultibase"]
        key = PrivateKey.from_multibase(secret)
        assert key.public_key.to_multibase() == pair["publicKeyMultibase"]
        return key

    def options(self) -> ProofOptions:
        config = self.json("proofConfig")
        return ProofOptions(
            config["verificationMethod"],
            proof_purpose=config["proofPurpose"],
            created=parse_datetime(config["created"], field_name="created"),
        )


@pytest.fixture(params=ALL_CASES)
def case(request: pytest.FixtureRequest, vectors_dir: Path) -> Case:
    case_id = request.param
    folder = vectors_dir / ("vc-di-eddsa" if case_id in EDDSA_CASES else "vc-di-ecdsa")
    index = json.loads((folder / "cases.json").read_text(encoding="utf-8"))
    entries = {entry["id"]: entry for entry in index["cases"]}
    return Case(folder, entries[case_id])


def test_every_indexed_case_is_tested(vectors_dir: Path) -> None:
    """The hard-coded case list covers every case the vector indexes name."""
    found = []
    for name in ("vc-di-eddsa", "vc-di-ecdsa"):
        index = json.loads((vectors_dir / name / "cases.json").read_text("utf-8"))
        found += [entry["id"] for entry in index["cases"]]
    assert sorted(found) == sorted(ALL_CASES)


def _verify(
    document: dict[str, Any], jsonld: JsonLdProcessor, resolver: Any, now: datetime
) -> dict[str, Check]:
    checks = verify_proofs(
        document,
        resolver=resolver,
        jsonld=jsonld,
        purpose=AssertionPurpose(),
        now=now,
    )
    return {check.name: check for check in checks}


def test_canonical_document(case: Case, vector_jsonld: JsonLdProcessor) -> None:
    """The transformation reproduces the vector's canonical document exactly."""
    if not case.reproducible:
        pytest.skip(DEFECT)
    canonical = transform(case.json("unsignedDocument"), suite=case.suite, jsonld=vector_jsonld)
    assert canonical.decode("utf-8") == case.text("canonicalDocument")


def test_document_hash(case: Case, vector_jsonld: JsonLdProcessor) -> None:
    """Hashing our canonical document gives the vector's document hash."""
    suite = get_suite(case.suite)
    key_type = case.private_key().key_type
    shipped = case.text("canonicalDocument").encode("utf-8")
    assert suite.digest(key_type, shipped) == case.hex("documentHashHex")
    if case.reproducible:
        ours = transform(case.json("unsignedDocument"), suite=case.suite, jsonld=vector_jsonld)
        assert suite.digest(key_type, ours) == case.hex("documentHashHex")


def test_proof_configuration(case: Case, vector_jsonld: JsonLdProcessor) -> None:
    """The canonical proof configuration and its hash match the vector."""
    suite = get_suite(case.suite)
    key_type = case.private_key().key_type
    unsigned = case.json("unsignedDocument")
    signed_proof = case.json("signedDocument")["proof"]
    config = proof_configuration(signed_proof, suite=case.suite, document=unsigned)
    assert config == case.json("proofConfig")
    canonical = transform(config, suite=case.suite, jsonld=vector_jsonld)
    assert canonical.decode("utf-8") == case.text("canonicalProofConfig")
    assert suite.digest(key_type, canonical) == case.hex("proofConfigHashHex")


def test_signature_is_reproduced(case: Case) -> None:
    """Signing proofHash || docHash reproduces the signature and proofValue."""
    combined = case.hex("proofConfigHashHex") + case.hex("documentHashHex")
    assert combined == case.hex("combinedHashHex")
    key = case.private_key()
    signature = key.sign(combined)
    assert signature == case.hex("signatureHex")
    assert multibase_decode(case.text("proofValue").strip()) == signature
    key.public_key.verify(signature, combined)


def test_add_proof_reproduces_signed_document(case: Case, vector_jsonld: JsonLdProcessor) -> None:
    """add_proof gives the vector's signed document byte for byte."""
    if not case.reproducible:
        pytest.skip(DEFECT)
    unsigned = case.json("unsignedDocument")
    before = copy.deepcopy(unsigned)
    signed = add_proof(
        unsigned,
        signer=case.private_key(),
        suite=case.suite,
        options=case.options(),
        jsonld=vector_jsonld,
    )
    assert unsigned == before
    assert json.dumps(signed, indent=2, ensure_ascii=False) == case.text("signedDocument")


def test_signed_document_verifies(
    case: Case, vector_jsonld: JsonLdProcessor, resolver: Any, now: datetime
) -> None:
    """Every proof check passes on the vector's signed document."""
    if not case.reproducible:
        pytest.xfail(f"{DEFECT}: its signature covers the non-standard labels")
    checks = _verify(case.json("signedDocument"), vector_jsonld, resolver, now)
    assert fold(checks.values()) is Verdict.VALID, checks
    assert checks["proof[0].signature"].outcome is Outcome.PASSED
    assert checks["proof[0].purpose"].outcome is Outcome.PASSED


def test_defective_vector_fails_only_on_signature(
    vectors_dir: Path, vector_jsonld: JsonLdProcessor, resolver: Any, now: datetime
) -> None:
    """The defective P-384 vector fails the signature check and nothing else."""
    folder = vectors_dir / "vc-di-ecdsa"
    index = json.loads((folder / "cases.json").read_text(encoding="utf-8"))
    defective = [Case(folder, e) for e in index["cases"] if not e["canonicalDocumentReproducible"]]
    assert [c.entry["id"] for c in defective] == ["ecdsa-rdfc-2019/P-384/employment"]
    checks = _verify(defective[0].json("signedDocument"), vector_jsonld, resolver, now)
    failed = {name for name, check in checks.items() if check.outcome is Outcome.FAILED}
    assert failed == {"proof[0].signature"}


def test_every_flipped_signature_byte_fails(case: Case) -> None:
    """Flipping any one byte of the signature breaks it."""
    key = case.private_key()
    combined = case.hex("combinedHashHex")
    signature = case.hex("signatureHex")
    for position in range(len(signature)):
        bad = bytearray(signature)
        bad[position] ^= 0x01
        with pytest.raises(InvalidSignature):
            key.public_key.verify(bytes(bad), combined)


def test_tampered_proof_value_fails_signature(
    case: Case, vector_jsonld: JsonLdProcessor, resolver: Any, now: datetime
) -> None:
    """A signed document whose proofValue was altered fails proof[0].signature."""
    if not case.reproducible:
        pytest.skip(DEFECT)
    signed = case.json("signedDocument")
    signature = multibase_decode(signed["proof"]["proofValue"])
    for position in (0, len(signature) // 2, len(signature) - 1):
        bad = bytearray(signature)
        bad[position] ^= 0x80
        tampered = copy.deepcopy(signed)
        tampered["proof"]["proofValue"] = multibase_encode(bytes(bad), "z")
        checks = _verify(tampered, vector_jsonld, resolver, now)
        assert checks["proof[0].structure"].outcome is Outcome.PASSED
        assert checks["proof[0].signature"].outcome is Outcome.FAILED
        assert checks["proof[0].signature"].code == "INVALID_SIGNATURE"


def test_tampered_subject_fails_signature(
    case: Case, vector_jsonld: JsonLdProcessor, resolver: Any, now: datetime
) -> None:
    """Changing a credentialSubject value fails proof[0].signature."""
    if not case.reproducible:
        pytest.skip(DEFECT)
    signed = case.json("signedDocument")
    subject = signed["credentialSubject"]
    field = "alumniOf" if "alumniOf" in subject else "givenName"
    subject[field] = subject[field] + "X"
    checks = _verify(signed, vector_jsonld, resolver, now)
    assert checks["proof[0].signature"].outcome is Outcome.FAILED
    assert checks["proof[0].signature"].code == "INVALID_SIGNATURE"


def test_defect_is_sha384_labelling(vectors_dir: Path, vector_jsonld: JsonLdProcessor) -> None:
    """Document the defect: RDFC-1.0 with SHA-384 gives the shipped labels."""
    folder = vectors_dir / "vc-di-ecdsa"
    document = json.loads((folder / "employmentAuth.json").read_text(encoding="utf-8"))
    shipped = (folder / "ecdsa-rdfc-2019-p384/employ/canonDocECDSAP384.txt").read_text("utf-8")
    dataset = vector_jsonld.to_rdf(document)
    assert canonical_nquads(dataset) != shipped
    assert canonical_nquads(dataset, hash_algorithm="sha384") == shipped
    assert hashlib.sha384(shipped.encode()).hexdigest() == (
        (folder / "ecdsa-rdfc-2019-p384/employ/docHashECDSAP384.txt").read_text().strip()
    )
