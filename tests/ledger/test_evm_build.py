"""The committed VcidAnchor build: reproducible, paris-compatible, the ABI evm.py expects."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ledger.evm_node import ROOT, require_node_tools, run_evm_script
from vcid.ledger.evm import (
    EXPECTED_ERRORS,
    EXPECTED_EVENTS,
    EXPECTED_FUNCTIONS,
    contract_build,
)

BUILD = ROOT / "vcid" / "ledger" / "contracts" / "VcidAnchor.json"
SOURCE = ROOT / "contracts" / "VcidAnchor.sol"
PUSH0 = 0x5F


def opcodes(code: bytes) -> list[int]:
    """The opcodes of EVM bytecode, skipping PUSH1..PUSH32 immediates."""
    ops, i = [], 0
    while i < len(code):
        op = code[i]
        ops.append(op)
        i += 1 + (op - 0x5F if 0x60 <= op <= 0x7F else 0)
    return ops


def runtime_without_metadata(code: bytes) -> bytes:
    """Strip the CBOR metadata trailer (its length is the last two bytes)."""
    return code[: -(int.from_bytes(code[-2:], "big") + 2)]


def test_the_committed_build_matches_a_fresh_compile() -> None:
    require_node_tools()
    result = run_evm_script("check")
    assert result.returncode == 0, result.stderr


def test_check_fails_when_the_build_differs(tmp_path: Path) -> None:
    """scripts/evm.py check compares bytes: a build from other source fails it."""
    require_node_tools()
    script = tmp_path / "evm_copy.py"
    text = (ROOT / "scripts" / "evm.py").read_text(encoding="utf-8")
    altered = tmp_path / "VcidAnchor.sol"
    altered.write_text(SOURCE.read_text(encoding="utf-8") + "\n// changed\n", encoding="utf-8")
    for old, new in (
        ("ROOT = Path(__file__).resolve().parent.parent", f"ROOT = Path({str(ROOT)!r})"),
        ('SOURCE = ROOT / "contracts" / "VcidAnchor.sol"', f"SOURCE = Path({str(altered)!r})"),
    ):
        assert old in text
        text = text.replace(old, new)
    text = text.replace("SOURCE.relative_to(ROOT).as_posix()", '"contracts/VcidAnchor.sol"')
    script.write_text(text, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(script), "check"],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    assert "differs from a fresh compile" in result.stderr


def test_the_build_records_compiler_and_settings() -> None:
    data = json.loads(BUILD.read_text(encoding="utf-8"))
    assert data["compiler"]["version"].startswith("0.8.37+")
    assert data["settings"] == {"evmVersion": "paris", "optimizer": {"enabled": True, "runs": 200}}
    assert data["source"] == "contracts/VcidAnchor.sol"
    # Sorted and stable: the file is exactly its own canonical dump.
    assert BUILD.read_text(encoding="utf-8") == json.dumps(data, indent=2, sort_keys=True) + "\n"


def test_the_abi_is_the_one_evm_py_expects() -> None:
    build = contract_build()
    functions = {
        f"{i['name']}({','.join(p['type'] for p in i['inputs'])})"
        for i in build.abi
        if i["type"] == "function"
    }
    assert functions == EXPECTED_FUNCTIONS
    events = [i for i in build.abi if i["type"] == "event"]
    assert [f"{e['name']}({','.join(p['type'] for p in e['inputs'])})" for e in events] == list(
        EXPECTED_EVENTS
    )
    assert {
        f"{i['name']}({','.join(p['type'] for p in i['inputs'])})"
        for i in build.abi
        if i["type"] == "error"
    } == EXPECTED_ERRORS
    mutability = {i["name"]: i["stateMutability"] for i in build.abi if i["type"] == "function"}
    assert mutability.pop("anchorTreeHead") == "nonpayable"
    assert set(mutability.values()) == {"view"}
    # No constructor arguments, no owner, nothing payable.
    assert not any(i.get("stateMutability") == "payable" for i in build.abi)
    assert all(not i.get("inputs") for i in build.abi if i["type"] == "constructor")


def test_the_bytecode_targets_paris_without_push0() -> None:
    build = contract_build()
    assert build.evm_version == "paris"
    assert PUSH0 not in opcodes(runtime_without_metadata(build.deployed_bytecode))
    assert build.bytecode.endswith(build.deployed_bytecode)


def test_the_opcode_walker_sees_push0() -> None:
    assert PUSH0 in opcodes(bytes([0x60, 0x5F, 0x5F]))  # PUSH1 0x5f, then PUSH0
    assert PUSH0 not in opcodes(bytes([0x60, 0x5F, 0x01]))


def test_vcid_imports_without_web3() -> None:
    code = (
        "import sys\n"
        "for name in ('web3', 'eth_account', 'hexbytes'):\n"
        "    sys.modules[name] = None\n"
        "import vcid, vcid.ledger.anchor, vcid.verifier, vcid.issuer\n"
        "from vcid.errors import UnsupportedError\n"
        "try:\n"
        "    import vcid.ledger.evm\n"
        "except UnsupportedError as exc:\n"
        "    print('unsupported:', exc)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    assert "unsupported: vcid.ledger.evm needs web3.py" in result.stdout


def test_anvil_path_names_the_platform_binary() -> None:
    require_node_tools()
    result = run_evm_script("anvil-path")
    assert result.returncode == 0
    path = Path(result.stdout.strip())
    assert path.is_file()
    assert path.parent.parent.name.startswith("anvil-")


@pytest.mark.parametrize("args", [[], ["bogus"]])
def test_the_script_refuses_bad_usage(args: list[str]) -> None:
    result = run_evm_script(*args)
    assert result.returncode == 2
