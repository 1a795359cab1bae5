"""A holder's answer to a presentation request: verified with its challenge, accepted once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from vcid import KeyFile, KeyType, Verdict
from vcid._json import JsonObject
from vcid.border import ChallengeStore, verify_response
from vcid.errors import UsageError
from vcid.issuer import create_presentation, issue, present
from vcid.proofs import ProofOptions, add_proof
from vcid.verifier import CredentialVerifier

from .conftest import Family

NOW = datetime(2026, 7, 1, 8, 0, tzinfo=UTC)
POST = "border.example"


@pytest.fixture(scope="module")
def registrar() -> KeyFile:
    return KeyFile.generate(KeyType.ED25519)


@pytest.fixture(scope="module")
def parent() -> KeyFile:
    return KeyFile.generate(KeyType.ED25519)


@pytest.fixture(scope="module")
def credential(registrar: KeyFile, parent: KeyFile) -> JsonObject:
    return issue(
        {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "issuer": registrar.controller,
            "validFrom": "2026-01-01T00:00:00Z",
            "credentialSubject": {"id": parent.controller},
        },
        key=registrar,
        created=NOW - timedelta(days=10),
    )


@pytest.fixture
def store(tmp_path: Path) -> ChallengeStore:
    return ChallengeStore(tmp_path / "challenges.db", clock=lambda: NOW)


def _failed(report: object) -> dict[str, str]:
    return {c.name: c.code for c in report.failures()}  # type: ignore[attr-defined]


def test_a_fresh_answer_is_valid_and_its_replay_is_not(
    store: ChallengeStore, credential: JsonObject, parent: KeyFile
) -> None:
    """The first submission verifies; the same presentation again is CHALLENGE_REPLAYED."""
    request = store.issue(domain=POST)
    vp = present([credential], key=parent, challenge=request.challenge, domain=POST, created=NOW)
    verifier = CredentialVerifier()
    first = verify_response(vp, store=store, domain=POST, verifier=verifier, now=NOW)
    assert first.verdict is Verdict.VALID, first.to_text()
    assert first.checks[0].name == "presentation.request"
    again = verify_response(vp, store=store, domain=POST, verifier=verifier, now=NOW)
    assert again.verdict is Verdict.INVALID
    assert _failed(again) == {"presentation.request": "CHALLENGE_REPLAYED"}


def test_answers_the_post_did_not_ask_for_are_invalid(
    store: ChallengeStore, credential: JsonObject, parent: KeyFile
) -> None:
    """A made-up challenge, an expired one, another post's, or none at all: each named."""
    verifier = CredentialVerifier()
    made_up = present([credential], key=parent, challenge="guess", domain=POST, created=NOW)
    report = verify_response(made_up, store=store, domain=POST, verifier=verifier, now=NOW)
    assert _failed(report) == {"presentation.request": "CHALLENGE_UNKNOWN"}

    request = store.issue(domain=POST, ttl=timedelta(minutes=1))
    late = present([credential], key=parent, challenge=request.challenge, domain=POST, created=NOW)
    later = NOW + timedelta(minutes=3)
    report = verify_response(late, store=store, domain=POST, verifier=verifier, now=later)
    assert _failed(report) == {"presentation.request": "CHALLENGE_EXPIRED"}

    elsewhere = store.issue(domain="other.example")
    vp = present([credential], key=parent, challenge=elsewhere.challenge, domain=POST, created=NOW)
    report = verify_response(vp, store=store, domain=POST, verifier=verifier, now=NOW)
    assert _failed(report) == {"presentation.request": "DOMAIN_MISMATCH"}

    unsigned = create_presentation([credential], holder=parent.controller)
    bare = add_proof(
        unsigned,
        signer=parent.signer,
        suite="eddsa-rdfc-2022",
        options=ProofOptions(
            verification_method=parent.verification_method,
            proof_purpose="authentication",
            created=NOW,
        ),
        jsonld=verifier.environment.jsonld,
    )
    report = verify_response(bare, store=store, domain=POST, verifier=verifier, now=NOW)
    assert report.verdict is Verdict.INVALID
    assert _failed(report)["presentation.request"] == "CHALLENGE_MISMATCH"


def test_a_tampered_answer_still_uses_up_its_challenge(
    store: ChallengeStore, credential: JsonObject, parent: KeyFile
) -> None:
    """A failed first attempt burns the challenge: the fixed-up retry is a replay."""
    request = store.issue(domain=POST)
    vp = present([credential], key=parent, challenge=request.challenge, domain=POST, created=NOW)
    tampered = json.loads(json.dumps(vp))
    tampered["verifiableCredential"][0]["validFrom"] = "2025-01-01T00:00:00Z"
    verifier = CredentialVerifier()
    report = verify_response(tampered, store=store, domain=POST, verifier=verifier, now=NOW)
    assert report.verdict is Verdict.INVALID
    assert "presentation.request" not in _failed(report)
    retry = verify_response(vp, store=store, domain=POST, verifier=verifier, now=NOW)
    assert _failed(retry) == {"presentation.request": "CHALLENGE_REPLAYED"}


def test_misuse(store: ChallengeStore) -> None:
    """A non-object presentation or a missing store is the caller's bug."""
    with pytest.raises(UsageError):
        verify_response("vp", store=store, domain=POST, verifier=CredentialVerifier())  # type: ignore[arg-type]
    with pytest.raises(UsageError):
        verify_response({}, store=None, domain=POST, verifier=CredentialVerifier())  # type: ignore[arg-type]


def _vcid(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vcid.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
        timeout=120,
        check=False,
    )


def test_cli_challenge_then_check_then_replay(
    tmp_path: Path, credential: JsonObject, parent: KeyFile
) -> None:
    """`vcid border challenge`, then `check` exits 0 once and 1 for the replay."""
    store = str(tmp_path / "post.db")
    issued = _vcid("border", "challenge", "--store", store, "--domain", POST)
    assert issued.returncode == 0, issued.stderr
    request = json.loads(issued.stdout)
    vp = present([credential], key=parent, challenge=request["challenge"], domain=POST)
    path = tmp_path / "vp.json"
    path.write_text(json.dumps(vp))
    check = (
        "border", "check", "--store", store, "--domain", POST, "--no-binding", "--json", str(path)
    )  # fmt: skip
    first = _vcid(*check)
    assert first.returncode == 0, first.stdout + first.stderr
    assert json.loads(first.stdout)["ruling"] == "admit"
    replay = _vcid(*check)
    assert replay.returncode == 1
    denied = json.loads(replay.stdout)
    assert denied["ruling"] == "deny"
    assert [c["code"] for c in denied["reasons"]] == ["CHALLENGE_REPLAYED"]
    own = denied["report"]["presentation"]["checks"]
    assert own[0] == {
        "name": "request",
        "outcome": "failed",
        "code": "CHALLENGE_REPLAYED",
        "detail": "the challenge was already used: a replayed presentation",
    }
    bad = _vcid("border", "challenge", "--store", store, "--domain", POST, "--ttl", "soon")
    assert bad.returncode == 2
    assert bad.stderr.startswith("vcid: --ttl")
    assert "Traceback" not in bad.stderr


def test_cli_refuses_an_impostor(tmp_path: Path, family: Family) -> None:
    """A stranger presenting a family's genuine credentials: exit 1, HOLDER_NOT_BOUND."""
    store = str(tmp_path / "post.db")
    results = {}
    for name, holder in (("mother", family.mother), ("stranger", family.stranger)):
        at = ("--now", "2026-07-01T08:00:00Z")  # within the family's consent
        issued = _vcid("border", "challenge", "--store", store, "--domain", POST, *at)
        request = json.loads(issued.stdout)
        vp = present(
            [family.birth, family.guardianship, family.consent],
            key=holder,
            challenge=request["challenge"],
            domain=POST,
        )
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(vp))
        results[name] = _vcid("border", "check", "--store", store, "--domain", POST, *at, str(path))
    assert results["mother"].returncode == 0, results["mother"].stdout
    assert "binding.relationship" in results["mother"].stdout
    assert results["mother"].stdout.startswith("ADMIT\n")
    assert results["stranger"].returncode == 1
    assert results["stranger"].stdout.startswith(
        "DENY\n  because presentation.binding.relationship: HOLDER_NOT_BOUND"
    )
