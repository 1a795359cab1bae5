"""``vcid trust list ...`` and ``vcid verify --trust``, run for real in a subprocess."""

from __future__ import annotations

import json
import ssl
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.services import self_signed
from tests.test_cli import ENV, vcid
from vcid.accreditation import TrustQuery
from vcid.environment import VerificationEnvironment
from vcid.transport import HTTPSClient
from vcid.trust.trqp import TRQPRegistry

ROOT = Path(__file__).resolve().parent.parent.parent
EXAMPLE = ROOT / "docs" / "examples" / "birth-credential.json"


def _key(workdir: Path, name: str) -> tuple[Path, str]:
    path = workdir / f"{name}.key"
    result = vcid("key", "generate", "--out", str(path))
    assert result.returncode == 0, result.stderr
    return path, result.stdout.strip().split("#", 1)[0]


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path | str]:
    """A root list accrediting a national authority, whose list accredits a registrar."""
    workdir = tmp_path_factory.mktemp("trust-cli")
    root_key, root = _key(workdir, "root")
    national_key, national = _key(workdir, "national")
    registrar_key, registrar = _key(workdir, "registrar")
    root_list = workdir / "root-list.json"
    national_list = workdir / "za-list.json"
    steps = [
        ("create", "--issuer", root, "--id", "urn:uuid:6a1e0c4b-1d7f-4a53-9d1c-000000000001",
         "--valid-from", "2026-01-01T00:00:00Z", "--valid-until", "2030-01-01T00:00:00Z",
         str(root_list)),
        ("add", "--entity", national, "--type", "TrustListCredential", "--type", "BirthCredential",
         "--jurisdiction", "ZA", "--valid-from", "2025-01-01T00:00:00Z",
         "--valid-until", "2035-01-01T00:00:00Z", str(root_list)),
        ("sign", "--key", str(root_key), str(root_list)),
        ("create", "--issuer", national, "--id", "urn:uuid:6a1e0c4b-1d7f-4a53-9d1c-000000000002",
         "--valid-from", "2026-01-01T00:00:00Z", "--valid-until", "2030-01-01T00:00:00Z",
         str(national_list)),
        ("add", "--entity", registrar, "--type", "BirthCredential", "--jurisdiction", "ZA",
         "--valid-from", "2025-06-01T00:00:00Z", "--valid-until", "2034-01-01T00:00:00Z",
         str(national_list)),
        ("sign", "--key", str(national_key), str(national_list)),
    ]  # fmt: skip
    for step in steps:
        result = vcid("trust", "list", *step)
        assert result.returncode == 0, (step, result.stderr)
    return {
        "workdir": workdir,
        "root": root,
        "registrar": registrar,
        "registrar_key": registrar_key,
        "root_list": root_list,
        "national_list": national_list,
    }


def _trust_args(kit: dict[str, Path | str]) -> list[str]:
    return [
        "--trust", str(kit["root_list"]),
        "--trust", str(kit["national_list"]),
        "--trust-anchor", str(kit["root"]),
    ]  # fmt: skip


def _issue(kit: dict[str, Path | str], key: Path, name: str) -> Path:
    unsigned = json.loads(EXAMPLE.read_text("utf-8"))
    del unsigned["issuer"]  # vcid issue sets it to the key's DID
    workdir = kit["workdir"]
    assert isinstance(workdir, Path)
    source = workdir / f"{name}-unsigned.json"
    source.write_text(json.dumps(unsigned), "utf-8")
    result = vcid("issue", "--key", str(key), str(source))
    assert result.returncode == 0, result.stderr
    signed = workdir / f"{name}.json"
    signed.write_text(result.stdout, "utf-8")
    return signed


def test_a_self_issued_birth_credential_is_an_untrusted_issuer(
    kit: dict[str, Path | str],
) -> None:
    """A key made a minute ago signs the example: exit 1, UNTRUSTED_ISSUER."""
    workdir = kit["workdir"]
    assert isinstance(workdir, Path)
    own_key, _ = _key(workdir, "self")
    credential = _issue(kit, own_key, "self-issued")
    plain = vcid("verify", str(credential))
    assert plain.returncode == 0, plain.stdout  # a valid signature is all it has
    result = vcid("verify", "--json", *_trust_args(kit), str(credential))
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["verdict"] == "invalid"
    (trust,) = [c for c in report["checks"] if c["name"] == "trust"]
    assert trust["code"] == "UNTRUSTED_ISSUER"
    text = vcid("verify", *_trust_args(kit), str(credential))
    assert text.returncode == 1
    assert "UNTRUSTED_ISSUER" in text.stdout


def test_the_accredited_registrar_verifies_through_the_chain(kit: dict[str, Path | str]) -> None:
    registrar_key = kit["registrar_key"]
    assert isinstance(registrar_key, Path)
    credential = _issue(kit, registrar_key, "registrar-issued")
    result = vcid("verify", "--json", *_trust_args(kit), str(credential))
    assert result.returncode == 0, result.stdout
    (trust,) = [c for c in json.loads(result.stdout)["checks"] if c["name"] == "trust"]
    assert trust["outcome"] == "passed"
    assert str(kit["registrar"]) in trust["detail"]


def test_check_and_query(kit: dict[str, Path | str]) -> None:
    result = vcid(
        "trust", "list", "check", "--trust-anchor", str(kit["root"]),
        str(kit["root_list"]), str(kit["national_list"]),
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["usable"] for line in lines] == [True, True]
    query = [
        "trust", "list", "query", *_trust_args(kit), "--entity", str(kit["registrar"]),
        "--type", "BirthCredential", "--time", "2026-02-01T00:00:00Z",
    ]  # fmt: skip
    answer = vcid(*query, "--jurisdiction", "ZA")
    assert answer.returncode == 0, answer.stderr
    assert json.loads(answer.stdout)["authorized"] is True
    outside = vcid(*query, "--jurisdiction", "NL")
    assert outside.returncode == 1
    assert json.loads(outside.stdout)["reason"] == "OUTSIDE_JURISDICTION"


def test_an_edited_list_is_unsigned_until_signed_again(kit: dict[str, Path | str]) -> None:
    workdir = kit["workdir"]
    assert isinstance(workdir, Path)
    copy = workdir / "edited.json"
    copy.write_bytes(Path(str(kit["national_list"])).read_bytes())
    result = vcid("trust", "list", "remove", "--entity", str(kit["registrar"]), str(copy))
    assert result.returncode == 0, result.stderr
    assert "proof" not in json.loads(copy.read_text("utf-8"))
    check = vcid("trust", "list", "check", "--trust-anchor", str(kit["root"]), str(copy))
    assert check.returncode == 1
    assert json.loads(check.stdout)["usable"] is False


def test_usage_errors_are_one_line_and_exit_2(kit: dict[str, Path | str]) -> None:
    no_anchor = vcid("verify", "--trust", str(kit["root_list"]), str(EXAMPLE))
    assert no_anchor.returncode == 2
    assert no_anchor.stderr.count("\n") == 1
    assert "Traceback" not in no_anchor.stderr
    bad = vcid(
        "trust", "list", "add", "--entity", "did:key:z6Mk", "--type", "BirthCredential",
        "--jurisdiction", "South Africa", str(kit["root_list"]),
    )  # fmt: skip
    assert bad.returncode == 2
    assert bad.stderr.startswith("vcid: ")
    assert "Traceback" not in bad.stderr


def test_trust_serve_answers_trqp_over_https(kit: dict[str, Path | str]) -> None:
    """`vcid trust serve` on 127.0.0.1 with TLS: the registrar is authorised over TRQP."""
    workdir = kit["workdir"]
    assert isinstance(workdir, Path)
    cert_file, key_file = self_signed(workdir)
    command = [
        sys.executable, "-m", "vcid.cli", "trust", "serve", *_trust_args(kit),
        "--port", "0", "--cert", str(cert_file), "--key", str(key_file),
    ]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=ENV)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("TRQP v2 at https://127.0.0.1:"), line
        base = line.split(" at ", 1)[1].strip().rstrip("/")
        client = HTTPSClient(ssl.create_default_context(cafile=str(cert_file)), timeout=10.0)
        remote = TRQPRegistry(base, authority_id=str(kit["root"]), client=client)
        query = TrustQuery(
            entity=str(kit["registrar"]),
            credential_type="BirthCredential",
            jurisdiction="ZA",
            time=datetime(2026, 2, 1, tzinfo=UTC),
        )
        answer = remote.query(query, now=datetime.now(UTC), environment=VerificationEnvironment())
        assert answer.authorised, answer.detail
    finally:
        process.terminate()
        process.wait(timeout=10)
