"""The vcid command, run for real in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ENV = {**os.environ, "PYTHONWARNINGS": "ignore"}


def vcid(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vcid.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=ENV,
        timeout=120,
        check=False,
    )


CREDENTIAL = {
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    "type": ["VerifiableCredential"],
    "validFrom": "2026-01-05T09:00:00Z",
    "credentialSubject": {"name": "Amara Okafor"},
}


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cli")


@pytest.fixture(scope="module")
def keys(workdir: Path) -> dict[str, Path]:
    paths = {}
    for name, key_type in (("registrar", "Ed25519"), ("parent", "P-256")):
        path = workdir / f"{name}.key"
        result = vcid("key", "generate", "--type", key_type, "--out", str(path))
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("did:key:")
        paths[name] = path
    return paths


def test_key_file_is_private_and_multikey(keys: dict[str, Path]) -> None:
    """`key generate` writes an owner-only Multikey file with a did:key controller."""
    path = keys["registrar"]
    assert path.stat().st_mode & 0o077 == 0
    document = json.loads(path.read_text())
    assert document["type"] == "Multikey"
    assert document["controller"].startswith("did:key:z6Mk")
    assert document["id"] == f"{document['controller']}#{document['controller'][8:]}"
    assert document["secretKeyMultibase"].startswith("z")


def test_key_generate_refuses_to_overwrite(keys: dict[str, Path]) -> None:
    """An existing key file is never overwritten."""
    before = keys["registrar"].read_bytes()
    result = vcid("key", "generate", "--out", str(keys["registrar"]))
    assert result.returncode == 2
    assert keys["registrar"].read_bytes() == before


def test_issue_present_verify(workdir: Path, keys: dict[str, Path]) -> None:
    """A credential issued, presented and verified through the CLI is valid (exit 0)."""
    unsigned = workdir / "unsigned.json"
    unsigned.write_text(json.dumps(CREDENTIAL))
    issued = vcid("issue", "--key", str(keys["registrar"]), str(unsigned))
    assert issued.returncode == 0, issued.stderr
    signed = workdir / "signed.json"
    signed.write_text(issued.stdout)
    assert json.loads(issued.stdout)["proof"]["cryptosuite"] == "eddsa-rdfc-2022"

    verified = vcid("verify", str(signed))
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert verified.stdout.startswith("VALID credential")

    presented = vcid(
        "present",
        "--key",
        str(keys["parent"]),
        "--challenge",
        "n-1",
        "--domain",
        "border.example",
        "--cryptosuite",
        "ecdsa-rdfc-2019",
        str(signed),
    )
    assert presented.returncode == 0, presented.stderr
    vp = workdir / "vp.json"
    vp.write_text(presented.stdout)
    ok = vcid("verify", "--challenge", "n-1", "--domain", "border.example", "--json", str(vp))
    assert ok.returncode == 0, ok.stdout
    assert json.loads(ok.stdout)["verdict"] == "valid"

    wrong = vcid("verify", "--challenge", "n-2", "--domain", "border.example", str(vp))
    assert wrong.returncode == 1
    assert "CHALLENGE_MISMATCH" in wrong.stdout


def test_tampered_credential_exits_1(workdir: Path, keys: dict[str, Path]) -> None:
    """A tampered credential is not verified: exit 1 and a FAIL line."""
    issued = vcid("issue", "--key", str(keys["registrar"]), "-", stdin=json.dumps(CREDENTIAL))
    document = json.loads(issued.stdout)
    document["credentialSubject"]["name"] = "Other"
    result = vcid("verify", "-", stdin=json.dumps(document))
    assert result.returncode == 1
    assert "FAIL" in result.stdout
    assert "INVALID_SIGNATURE" in result.stdout


def test_issue_with_explicit_created_and_jcs(keys: dict[str, Path]) -> None:
    """--created and --cryptosuite are honoured."""
    result = vcid(
        "issue",
        "--key",
        str(keys["registrar"]),
        "--created",
        "2026-01-01T00:00:00Z",
        "--cryptosuite",
        "eddsa-jcs-2022",
        "-",
        stdin=json.dumps(CREDENTIAL),
    )
    assert result.returncode == 0, result.stderr
    proof = json.loads(result.stdout)["proof"]
    assert proof["created"] == "2026-01-01T00:00:00Z"
    assert proof["cryptosuite"] == "eddsa-jcs-2022"


def test_extra_context_option(workdir: Path, keys: dict[str, Path]) -> None:
    """--context URL=PATH makes a local context available, offline."""
    context = workdir / "birth.jsonld"
    context.write_text(
        json.dumps(
            {
                "@context": {
                    "@protected": True,
                    "BirthRecord": "https://vcid.example/vocab#BirthRecord",
                    "birthDate": {"@id": "https://schema.org/birthDate"},
                }
            }
        )
    )
    document = {
        **CREDENTIAL,
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://vcid.example/birth/v1"],
        "credentialSubject": {"type": "BirthRecord", "birthDate": "2019-04-12"},
    }
    option = f"https://vcid.example/birth/v1={context}"
    without = vcid("issue", "--key", str(keys["registrar"]), "-", stdin=json.dumps(document))
    assert without.returncode == 2
    assert len(without.stderr.strip().splitlines()) == 1
    issued = vcid(
        "issue",
        "--key",
        str(keys["registrar"]),
        "--context",
        option,
        "-",
        stdin=json.dumps(document),
    )
    assert issued.returncode == 0, issued.stderr
    verified = vcid("verify", "--context", option, "-", stdin=issued.stdout)
    assert verified.returncode == 0, verified.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("verify", "/nonexistent/file.json"),
        ("verify", "-"),
        ("issue", "--key", "/nonexistent.key", "-"),
        ("did", "resolve"),
        ("frobnicate",),
        ("verify", "--context", "no-equals-sign", "-"),
    ],
)
def test_usage_errors_exit_2_with_one_line(args: tuple[str, ...]) -> None:
    """Unreadable input and bad usage give exit 2 and one line on stderr, no traceback."""
    result = vcid(*args, stdin="{not json")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "payload",
    ['{"a": 1, "a": 2}', '{"a": NaN}', "[1, 2]", "\xff"],
)
def test_malformed_json_exits_2(payload: str) -> None:
    """Duplicate keys, NaN and non-objects are unreadable input (exit 2)."""
    result = vcid("verify", "-", stdin=payload)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1


def test_malformed_key_file_exits_2(workdir: Path) -> None:
    """A key file with a bad multibase is rejected with one line, no secret echoed."""
    bad = workdir / "bad.key"
    bad.write_text(
        json.dumps({"publicKeyMultibase": "z6Mk!!", "secretKeyMultibase": "zSECRETVALUE"})
    )
    result = vcid("issue", "--key", str(bad), "-", stdin=json.dumps(CREDENTIAL))
    assert result.returncode == 2
    assert "SECRETVALUE" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_did_resolve(keys: dict[str, Path]) -> None:
    """`did resolve` prints the resolution result; an invalid DID fails."""
    did = json.loads(keys["parent"].read_text())["controller"]
    result = vcid("did", "resolve", did)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["didDocument"]["id"] == did
    bad = vcid("did", "resolve", "did:key:zNOTAKEY")
    assert bad.returncode == 1
    assert len(bad.stderr.strip().splitlines()) == 1


def test_vector_key_pair_works_with_key(vectors_dir: Path) -> None:
    """A key pair in the spec vectors' Multikey form is accepted by --key."""
    key = vectors_dir / "vc-di-eddsa" / "keyPair.json"
    document = {
        **CREDENTIAL,
        "issuer": "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
    }
    result = vcid("issue", "--key", str(key), "-", stdin=json.dumps(document))
    assert result.returncode == 0, result.stderr
    assert vcid("verify", "-", stdin=result.stdout).returncode == 0


def test_internal_error_is_one_line_without_details(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bug gives exit 70 and one line that does not repeat the exception's message."""
    import vcid.cli.core  # noqa: PLC0415

    def broken(args: object, out: object) -> int:
        raise RuntimeError("Amara Okafor 2019-04-12")

    monkeypatch.setattr(vcid.cli.core, "_did_resolve", broken)
    monkeypatch.delenv("VCID_DEBUG", raising=False)
    from vcid.cli import main  # noqa: PLC0415

    assert main(["did", "resolve", "did:key:z6Mk"]) == 70
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "RuntimeError" in err
    assert "Amara" not in err
