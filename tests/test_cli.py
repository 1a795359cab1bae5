"""The vcid command, run for real in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

PASSPHRASE = "correct horse battery staple"
#: The key files these tests make are encrypted; the passphrase comes from the environment.
ENV = {**os.environ, "PYTHONWARNINGS": "ignore", "VCID_KEY_PASSPHRASE": PASSPHRASE}
NO_PASSPHRASE_ENV = {k: v for k, v in ENV.items() if k != "VCID_KEY_PASSPHRASE"}


def vcid(
    *args: str, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vcid.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=ENV if env is None else env,
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


def test_key_file_is_private_and_encrypted(keys: dict[str, Path]) -> None:
    """`key generate` writes an owner-only encrypted key file with a did:key controller."""
    path = keys["registrar"]
    assert path.stat().st_mode & 0o077 == 0
    document = json.loads(path.read_text())
    assert document["type"] == "EncryptedMultikey"
    assert document["controller"].startswith("did:key:z6Mk")
    assert document["id"] == f"{document['controller']}#{document['controller'][8:]}"
    assert document["encryptedPrivateKeyPem"].startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert "secretKeyMultibase" not in document
    assert PASSPHRASE not in path.read_text()


def test_key_generate_plaintext_is_explicit(workdir: Path) -> None:
    """--plaintext writes a Multikey file without asking for a passphrase."""
    path = workdir / "plain.key"
    result = vcid("key", "generate", "--plaintext", "--out", str(path), env=NO_PASSPHRASE_ENV)
    assert result.returncode == 0, result.stderr
    document = json.loads(path.read_text())
    assert document["type"] == "Multikey"
    assert document["secretKeyMultibase"].startswith("z")
    issued = vcid(
        "issue", "--key", str(path), "-", stdin=json.dumps(CREDENTIAL), env=NO_PASSPHRASE_ENV
    )
    assert issued.returncode == 0, issued.stderr


def test_key_generate_without_passphrase_source_exits_2(workdir: Path) -> None:
    """No VCID_KEY_PASSPHRASE and no terminal: exit 2, one line, no file written."""
    path = workdir / "nopass.key"
    result = vcid("key", "generate", "--out", str(path), env=NO_PASSPHRASE_ENV)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "VCID_KEY_PASSPHRASE" in result.stderr
    assert not path.exists()
    empty = vcid("key", "generate", "--out", str(path), env={**ENV, "VCID_KEY_PASSPHRASE": ""})
    assert empty.returncode == 2
    assert not path.exists()


def test_encrypted_key_option_needs_the_passphrase(keys: dict[str, Path]) -> None:
    """--key with an encrypted file: no passphrase source or a wrong one is exit 2, one line."""
    stdin = json.dumps(CREDENTIAL)
    missing = vcid(
        "issue", "--key", str(keys["registrar"]), "-", stdin=stdin, env=NO_PASSPHRASE_ENV
    )
    assert missing.returncode == 2
    assert len(missing.stderr.strip().splitlines()) == 1
    assert "VCID_KEY_PASSPHRASE" in missing.stderr
    wrong_env = {**ENV, "VCID_KEY_PASSPHRASE": "not the passphrase"}
    wrong = vcid("issue", "--key", str(keys["registrar"]), "-", stdin=stdin, env=wrong_env)
    assert wrong.returncode == 2
    assert len(wrong.stderr.strip().splitlines()) == 1
    assert "passphrase" in wrong.stderr
    assert "not the passphrase" not in wrong.stderr
    assert keys["registrar"].name in wrong.stderr


def _run_on_terminal(args: list[str], answers: list[str]) -> tuple[int, str]:
    """Run the CLI with a pseudo-terminal as stdin/stderr, typing ``answers`` at its prompts."""
    import pty  # noqa: PLC0415
    import select  # noqa: PLC0415

    master, slave = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "vcid.cli", *args],
        stdin=slave,
        stdout=subprocess.PIPE,
        stderr=slave,
        env=NO_PASSPHRASE_ENV,
        start_new_session=True,
    )
    os.close(slave)
    screen = b""
    pending = list(answers)
    try:
        while process.poll() is None or select.select([master], [], [], 0)[0]:
            ready, _, _ = select.select([master], [], [], 0.2)
            if not ready:
                continue
            try:
                chunk = os.read(master, 1024)
            except OSError:
                break
            if not chunk:
                break
            screen += chunk
            if pending and screen.rstrip().endswith(b":"):
                os.write(master, pending.pop(0).encode() + b"\n")
                screen += b"<answered>"
        process.wait(timeout=60)
    finally:
        os.close(master)
        if process.poll() is None:
            process.kill()
    return process.returncode, screen.decode(errors="replace")


def test_key_generate_prompts_twice_on_a_terminal(workdir: Path) -> None:
    """On a terminal the passphrase is asked twice, unechoed; the key then reads with it."""
    path = workdir / "prompted.key"
    code, screen = _run_on_terminal(
        ["key", "generate", "--out", str(path)], ["terminal secret", "terminal secret"]
    )
    assert code == 0, screen
    assert screen.count("assphrase") == 2
    assert "terminal secret" not in screen
    assert json.loads(path.read_text())["type"] == "EncryptedMultikey"
    env = {**ENV, "VCID_KEY_PASSPHRASE": "terminal secret"}
    issued = vcid("issue", "--key", str(path), "-", stdin=json.dumps(CREDENTIAL), env=env)
    assert issued.returncode == 0, issued.stderr

    other = workdir / "mismatch.key"
    code, screen = _run_on_terminal(["key", "generate", "--out", str(other)], ["one", "two"])
    assert code == 2
    assert "do not match" in screen
    assert not other.exists()


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

    replayed = vcid("verify", "--domain", "border.example", str(vp))
    assert replayed.returncode == 1, replayed.stdout
    assert "CHALLENGE_REQUIRED" in replayed.stdout

    opted_out = vcid("verify", "--no-challenge", "--json", str(vp))
    assert opted_out.returncode == 1  # the proof carries a challenge nobody expected
    own = {c["name"]: c["code"] for c in json.loads(opted_out.stdout)["presentation"]["checks"]}
    assert own["challenge"] == "CHALLENGE_MISMATCH"

    both = vcid("verify", "--challenge", "n-1", "--no-challenge", str(vp))
    assert both.returncode == 2
    assert both.stderr.count("\n") == 1
    assert "Traceback" not in both.stderr


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
    import vcid.cli.did  # noqa: PLC0415

    def broken(args: object, out: object) -> int:
        raise RuntimeError("Amara Okafor 2019-04-12")

    monkeypatch.setattr(vcid.cli.did, "_did_resolve", broken)
    monkeypatch.delenv("VCID_DEBUG", raising=False)
    from vcid.cli import main  # noqa: PLC0415

    assert main(["did", "resolve", "did:key:z6Mk"]) == 70
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "RuntimeError" in err
    assert "Amara" not in err


def test_verify_checks_status_from_an_offline_folder(tmp_path: Path) -> None:
    """`verify --status-dir` reads exported lists: valid, then revoked (exit 1)."""
    from vcid.issuer import issue  # noqa: PLC0415
    from vcid.keyfile import KeyFile  # noqa: PLC0415
    from vcid.status import StatusRegistry, open_sqlite_store  # noqa: PLC0415

    base = "https://registrar.example/status"
    registrar = KeyFile.generate()
    registry = StatusRegistry(
        open_sqlite_store(tmp_path / "status.db"), key=registrar, base_url=base
    )
    document: dict[str, Any] = {
        **CREDENTIAL,
        "id": "urn:uuid:7c0e4a52-1f3b-4e8d-9a6c-2b5d8e1f0a93",
        "issuer": registrar.controller,
    }
    document["credentialStatus"] = registry.allocator().allocate(str(document["id"]))
    signed = tmp_path / "signed.json"
    signed.write_text(json.dumps(issue(document, key=registrar)))
    kit = tmp_path / "kit"
    registry.export(kit)
    options = ["--status-dir", str(kit), "--status-base-url", base]

    unchecked = vcid("verify", str(signed))
    assert unchecked.returncode == 1
    assert "STATUS_UNCHECKED" in unchecked.stdout

    valid = vcid("verify", *options, str(signed))
    assert valid.returncode == 0, valid.stdout
    assert "status[0].revocation" in valid.stdout

    registry.revoke(str(document["id"]))
    registry.export(kit)
    revoked = vcid("verify", *options, str(signed))
    assert revoked.returncode == 1
    assert "REVOKED" in revoked.stdout

    missing = vcid("verify", "--status-dir", str(tmp_path / "nowhere"), str(signed))
    assert missing.returncode == 2
    assert len(missing.stderr.strip().splitlines()) == 1
