"""`vcid did create|update|deactivate|resolve` for a did:webvh registrar (offline, in-process)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from vcid.cli import main
from vcid.did import ResolverRegistry, parse_did
from vcid.did.webvh import DIDWebvhMethod, StaticFetcher, webvh_log_url
from vcid.issuer import issue
from vcid.keyfile import read_key_file
from vcid.ledger.entry import did_log_commitment
from vcid.ledger.sqlite import SQLiteLog
from vcid.report import Verdict
from vcid.verifier import CredentialVerifier, VerificationEnvironment

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _time(days: int) -> str:
    return (T0 + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line]


@pytest.fixture
def keys(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    names = {}
    for name in ("update", "next1", "next2", "next3"):
        path = str(tmp_path / f"{name}.json")
        assert run(capsys, "key", "generate", "--plaintext", "--out", path)[0] == 0
        names[name] = path
    return names


def test_create_rotate_resolve_deactivate(
    tmp_path: Path, keys: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """A registrar's did.jsonl through its life, with a transparency log beside it."""
    log = tmp_path / "did.jsonl"
    ledger = tmp_path / "ledger.db"
    assert (
        run(capsys, "ledger", "init", "--db", str(ledger), "--origin", "registrar.example/dids")[0]
        == 0
    )
    code, out, err = run(
        capsys,
        "did", "create",
        "--domain", "registrar.example:dids:births",
        "--update-key", keys["update"],
        "--next-key", keys["next1"],
        "--assertion-key-out", str(tmp_path / "a1.json"),
        "--plaintext",
        "--out", str(log),
        "--ledger", str(ledger),
        "--did-web", str(tmp_path / "did.json"),
        "--time", _time(0),
    )  # fmt: skip
    assert code == 0, err
    created = _json_lines(out)[0]
    did = created["id"]
    assert did.startswith("did:webvh:")
    assert did.endswith(":registrar.example:dids:births")
    web = json.loads((tmp_path / "did.json").read_text())
    assert web["id"] == "did:web:registrar.example:dids:births"
    assert web["alsoKnownAs"] == [did]

    signer1 = read_key_file(tmp_path / "a1.json")
    assert signer1.verification_method == f"{did}#key-1"
    unsigned = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": did,
        "validFrom": _time(1),
        "credentialSubject": {"id": "did:example:child"},
    }
    early = issue(unsigned, key=signer1, created=T0 + timedelta(days=1))

    # A routine rotation: the committed key signs, the assertion key is replaced.
    code, out, err = run(
        capsys,
        "did", "update",
        "--log", str(log),
        "--update-key", keys["next1"],
        "--next-key", keys["next2"],
        "--replace-assertion-keys",
        "--assertion-key-out", str(tmp_path / "a2.json"),
        "--add-service", "#whois", "LinkedVerifiablePresentation", "https://registrar.example/whois.vp",
        "--plaintext",
        "--ledger", str(ledger),
        "--time", _time(30),
    )  # fmt: skip
    assert code == 0, err

    code, out, err = run(capsys, "did", "resolve", did, "--log", str(log))
    assert code == 0, err
    current = json.loads(out)
    assert current["didDocumentMetadata"]["versionId"].startswith("2-")
    assert [m["id"] for m in current["didDocument"]["verificationMethod"]] == [f"{did}#key-1"]
    assert current["didDocument"]["service"][0]["id"] == f"{did}#whois"
    code, out, _ = run(capsys, "did", "resolve", did, "--log", str(log), "--version-time", _time(2))
    assert json.loads(out)["didDocumentMetadata"]["versionId"] == created["versionId"]
    code, out, _ = run(
        capsys, "did", "resolve", did, "--log", str(log), "--version-id", created["versionId"]
    )
    assert code == 0

    # The credential signed before the rotation still verifies against history.
    files = {webvh_log_url(parse_did(did)): log.read_bytes()}
    resolver = ResolverRegistry([DIDWebvhMethod(StaticFetcher(files))])
    verifier = CredentialVerifier(environment=VerificationEnvironment(resolver=resolver))
    assert verifier.verify_credential(early, now=T0 + timedelta(days=60)).verdict is Verdict.VALID

    # An update signed by a key that was not committed is refused, in one line.
    code, _, err = run(
        capsys,
        "did",
        "update",
        "--log",
        str(log),
        "--update-key",
        keys["next3"],
        "--time",
        _time(40),
    )
    assert code == 2
    assert err.count("\n") == 1
    assert "pre-rotation" in err

    code, out, err = run(
        capsys,
        "did", "deactivate", "--log", str(log), "--update-key", keys["next2"],
        "--ledger", str(ledger), "--time", _time(50),
    )  # fmt: skip
    assert code == 0, err
    code, _, err = run(capsys, "did", "resolve", did, "--log", str(log))
    assert code == 1
    assert "notFound" in err
    assert "deactivated" in err

    # Every published line was logged (only its hash).
    lines = log.read_text().splitlines()
    with SQLiteLog.open(ledger) as opened:
        assert opened.size == len(lines) == 4
    assert did_log_commitment(lines[0]).hex() == created["commitment"]


def test_tampered_log_is_refused_on_update(
    tmp_path: Path, keys: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """`did update` verifies the log first and names what is wrong with it."""
    log = tmp_path / "did.jsonl"
    code, _, err = run(
        capsys,
        "did", "create", "--domain", "registrar.example",
        "--update-key", keys["update"], "--out", str(log), "--time", _time(0),
    )  # fmt: skip
    assert code == 0, err
    log.write_text(log.read_text().replace('"portable":false', '"portable":true'))
    code, _, err = run(capsys, "did", "update", "--log", str(log), "--update-key", keys["update"])
    assert code == 2
    assert "hash-chain-broken" in err
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    "args",
    [
        ("did", "create", "--domain", "localhost", "--update-key", "k", "--out", "o"),
        ("did", "resolve", "did:key:z6Mk", "--log", "did.jsonl"),
    ],
)
def test_usage_errors_are_one_line(
    args: tuple[str, ...], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Bad options exit 2 with one line on stderr."""
    code, _, err = run(capsys, *args)
    assert code == 2
    assert err.count("\n") == 1
    assert err.startswith("vcid: ")


def test_witnessed_did(
    tmp_path: Path, keys: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """A DID with two witnesses resolves only once both have approved its latest entry."""
    witnesses = []
    for name in ("w1", "w2"):
        path = str(tmp_path / f"{name}.json")
        code, out, _ = run(capsys, "key", "generate", "--plaintext", "--out", path)
        assert code == 0
        witnesses.append((path, out.strip().split("#", 1)[0]))
    log = tmp_path / "did.jsonl"
    code, out, err = run(
        capsys,
        "did", "create", "--domain", "registrar.example",
        "--update-key", keys["update"], "--out", str(log), "--time", _time(0),
        "--witness", witnesses[0][1], "--witness", witnesses[1][1], "--witness-threshold", "2",
    )  # fmt: skip
    assert code == 0, err
    did = _json_lines(out)[0]["id"]
    code, _, err = run(capsys, "did", "resolve", did, "--log", str(log))
    assert code == 1
    assert "witness-approval-missing" in err
    for path, _ in witnesses:
        code, _, err = run(capsys, "did", "witness", "--log", str(log), "--key", path)
        assert code == 0, err
    code, out, err = run(capsys, "did", "resolve", did, "--log", str(log))
    assert code == 0, err
    assert json.loads(out)["didDocumentMetadata"]["witness"]["threshold"] == "2"
    code, _, err = run(capsys, "did", "witness", "--log", str(log), "--key", keys["next1"])
    assert code == 2
    assert "is not a witness" in err
