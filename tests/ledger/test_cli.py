"""``vcid ledger ...``: the operator's round trip for real in a subprocess; the other
commands and bad input through ``vcid.cli.main`` in process (same code, faster)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from vcid._json import dumps
from vcid.cli import main
from vcid.demo import sample_birth_credential
from vcid.issuer import issue
from vcid.keyfile import KeyFile
from vcid.keys import KeyType

ROOT = Path(__file__).resolve().parent.parent.parent
ORIGIN = "registry.example/births"


def vcid(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vcid.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    registrar = KeyFile.generate(KeyType.ED25519)
    (tmp_path / "registrar.key").write_text(dumps(registrar.to_json()))
    (tmp_path / "registrar.key").chmod(0o600)
    parent = KeyFile.generate(KeyType.ED25519).controller
    for name, valid_from in (("vc1", "2026-01-05T09:00:00Z"), ("vc2", "2026-01-06T09:00:00Z")):
        unsigned = sample_birth_credential(registrar.controller, parent)
        unsigned["validFrom"] = valid_from
        signed = issue(unsigned, key=registrar, cryptosuite="eddsa-jcs-2022")
        (tmp_path / f"{name}.json").write_text(dumps(signed))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_operator_round_trip_in_a_subprocess(workdir: Path) -> None:
    init = vcid("ledger", "init", "--db", "log.db", "--origin", ORIGIN, cwd=workdir)
    assert init.returncode == 0, init.stderr
    assert json.loads(init.stdout) == {"origin": ORIGIN, "size": 0}
    append = vcid(
        "ledger", "append", "--db", "log.db", "--credential", "vc1.json",
        "--commitment", "ab" * 32, "--time", "2026-03-01T09:00:00Z", cwd=workdir,
    )  # fmt: skip
    assert append.returncode == 0, append.stderr
    assert [json.loads(line)["index"] for line in append.stdout.splitlines()] == [0, 1]
    checkpoint = vcid(
        "ledger", "checkpoint", "--db", "log.db", "--key", "registrar.key",
        "--now", "2026-03-01T10:00:00Z", cwd=workdir,
    )  # fmt: skip
    assert checkpoint.returncode == 0, checkpoint.stderr
    assert checkpoint.stdout.startswith(f"{ORIGIN}\n2\n")
    prove = vcid("ledger", "prove", "--db", "log.db", "--credential", "vc1.json", cwd=workdir)
    assert prove.returncode == 0, prove.stderr
    assert json.loads(prove.stdout)["type"] == "VcidLogReceipt/v1"
    (workdir / "receipt.json").write_text(prove.stdout)
    verify = vcid(
        "ledger", "verify-receipt", "--receipt", "receipt.json", "--credential", "vc1.json",
        "--now", "2026-03-02T00:00:00Z", cwd=workdir,
    )  # fmt: skip
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert verify.stdout.startswith("VALID receipt")
    bad = vcid("ledger", "append", "--db", "log.db", "--commitment", "xyz", cwd=workdir)
    assert bad.returncode == 2
    assert bad.stderr.startswith("vcid: ")
    assert bad.stderr.count("\n") == 1
    assert "Traceback" not in bad.stderr


def test_verify_consistency_and_info_in_process(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "ledger", "init", "--db", "log.db", "--origin", ORIGIN)[0] == 0
    code, out, _ = run(
        capsys, "ledger", "append", "--db", "log.db", "--credential", "vc1.json",
        "--type", "credential", "--time", "2026-03-01T09:00:00Z",
    )  # fmt: skip
    assert code == 0
    code, out, _ = run(
        capsys, "ledger", "append", "--db", "log.db", "--commitment", "CD" * 32,
        "--type", "status-list", "--time", "2026-03-01T09:00:00Z",
    )  # fmt: skip
    assert json.loads(out)["index"] == 1
    code, first, _ = run(
        capsys, "ledger", "checkpoint", "--db", "log.db", "--key", "registrar.key",
        "--now", "2026-03-01T10:00:00Z",
    )  # fmt: skip
    (workdir / "cp1.txt").write_text(first)
    code, out, _ = run(capsys, "ledger", "prove", "--db", "log.db", "--credential", "vc1.json")
    (workdir / "receipt.json").write_text(out)

    code, out, _ = run(
        capsys, "ledger", "verify-receipt", "--receipt", "receipt.json",
        "--credential", "vc2.json", "--now", "2026-03-02T00:00:00Z", "--json",
    )  # fmt: skip
    assert code == 1
    leaf = next(c for c in json.loads(out)["checks"] if c["name"] == "ledger.leaf")
    assert leaf["code"] == "LEAF_MISMATCH"

    run(
        capsys, "ledger", "append", "--db", "log.db", "--credential", "vc2.json",
        "--time", "2026-03-01T10:30:00Z",
    )  # fmt: skip
    code, second, _ = run(
        capsys, "ledger", "checkpoint", "--db", "log.db", "--key", "registrar.key",
        "--now", "2026-03-01T11:00:00Z",
    )  # fmt: skip
    assert second.startswith(f"{ORIGIN}\n3\n")
    (workdir / "cp2.txt").write_text(second)
    code, out, _ = run(capsys, "ledger", "consistency", "--db", "log.db", "--old", "cp1.txt")
    assert code == 0
    assert json.loads(out)["consistent"] is True
    code, out, _ = run(
        capsys, "ledger", "verify-receipt", "--receipt", "receipt.json",
        "--credential", "vc1.json", "--trusted", "cp2.txt", "--db", "log.db",
        "--now", "2026-03-02T00:00:00Z",
    )  # fmt: skip
    assert code == 0, out
    assert "ok   ledger.consistency" in out
    code, out, _ = run(capsys, "ledger", "prove", "--db", "log.db", "--credential", "vc1.json",
                       "--tree-size", "2")  # fmt: skip
    assert json.loads(out)["inclusion"]["treeSize"] == 2
    code, out, _ = run(capsys, "ledger", "info", "--db", "log.db")
    assert json.loads(out)["size"] == 3

    # A checkpoint from a forked copy of the log is reported as inconsistent.
    run(capsys, "ledger", "init", "--db", "fork.db", "--origin", ORIGIN)
    run(capsys, "ledger", "append", "--db", "fork.db", "--commitment", "ee" * 32,
        "--time", "2026-03-01T09:00:00Z")  # fmt: skip
    code, forked, _ = run(
        capsys, "ledger", "checkpoint", "--db", "fork.db", "--key", "registrar.key",
        "--now", "2026-03-01T10:00:00Z",
    )  # fmt: skip
    (workdir / "fork.txt").write_text(forked)
    code, out, _ = run(capsys, "ledger", "consistency", "--db", "log.db", "--old", "fork.txt")
    assert code == 1
    assert json.loads(out)["consistent"] is False


BAD_INPUT = [
    ["ledger", "append", "--db", "log2.db", "--commitment", "xyz"],
    ["ledger", "append", "--db", "missing.db", "--commitment", "ab" * 32],
    ["ledger", "init", "--db", "log2.db", "--origin", "has space"],
    ["ledger", "init", "--db", "log2.db", "--origin", ORIGIN],
    ["ledger", "checkpoint", "--db", "log2.db", "--key", "missing.key"],
    ["ledger", "checkpoint", "--db", "log2.db", "--key", "vc1.json"],
    ["ledger", "prove", "--db", "log2.db", "--commitment", "cd" * 32],
    ["ledger", "prove", "--db", "log2.db", "--commitment", "cd" * 32, "--tree-size", "9"],
    ["ledger", "verify-receipt", "--receipt", "missing.json", "--credential", "vc1.json"],
    ["ledger", "verify-receipt", "--receipt", "vc1.json", "--credential", "vc1.json",
     "--now", "yesterday"],
    ["ledger", "consistency", "--db", "log2.db", "--old", "vc1.json"],
    ["ledger", "info", "--db", "garbage.db"],
    ["ledger", "append", "--db", "log2.db"],
    ["ledger", "anchor", "--db", "log2.db", "--rpc", "http://127.0.0.1:9",
     "--contract", "0x" + "00" * 20, "--eth-key", "missing.key"],
    ["ledger"],
]  # fmt: skip


@pytest.mark.parametrize("args", BAD_INPUT)
def test_bad_input_exits_2_with_one_line_and_writes_nothing(
    workdir: Path, args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "ledger", "init", "--db", "log2.db", "--origin", ORIGIN)[0] == 0
    (workdir / "garbage.db").write_bytes(b"garbage" * 200)
    before = (workdir / "log2.db").read_bytes()
    code, _, err = run(capsys, *args)
    assert code == 2
    assert err.startswith("vcid: ")
    assert err.count("\n") == 1
    assert (workdir / "log2.db").read_bytes() == before


def test_a_malformed_receipt_is_not_verified(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (workdir / "bad-receipt.json").write_text(json.dumps({"type": "VcidLogReceipt/v1"}))
    code, out, _ = run(
        capsys, "ledger", "verify-receipt", "--receipt", "bad-receipt.json",
        "--credential", "vc1.json",
    )  # fmt: skip
    assert code == 1
    assert "FAIL ledger.receipt" in out
