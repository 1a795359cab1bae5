"""EVM backends for the anchoring tests: in-process eth-tester and a real anvil node.

The anvil node comes from npm (``@foundry-rs/anvil``, pinned in tools/evm):
``scripts/evm.py install`` installs it when needed, the platform binary is
started directly on a free loopback port and stopped (terminate, wait) at the
end of the session. Without node/npm the anvil cases are skipped with a reason.

Test modules import the fixtures they use from here (``w3_fixture`` provides
``w3``, ``anvil_url_fixture`` provides ``anvil_url``).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from eth_account import Account
from eth_account.signers.local import LocalAccount
from web3 import EthereumTesterProvider, Web3
from web3.types import Wei

from tests.services import free_port

ROOT = Path(__file__).resolve().parent.parent.parent
EVM_SCRIPT = ROOT / "scripts" / "evm.py"
BACKENDS = ("eth-tester", "anvil")
_READY_TIMEOUT = 15.0


def run_evm_script(*args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run ``scripts/evm.py`` with this interpreter."""
    return subprocess.run(
        [sys.executable, str(EVM_SCRIPT), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )


def require_node_tools() -> None:
    """Install the pinned npm tools, or skip when node/npm are absent."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node and npm are not installed: the anvil and solc cases need them")
    result = run_evm_script("install")
    assert result.returncode == 0, f"scripts/evm.py install failed: {result.stderr.strip()}"


def _start_anvil(binary: str) -> tuple[subprocess.Popen[bytes], str]:
    last = ""
    for _ in range(3):  # a free port can be taken between probing and binding
        port = free_port()
        with tempfile.TemporaryFile() as log:  # a file, not a pipe: it never fills up
            process = subprocess.Popen(
                [binary, "--host", "127.0.0.1", "--port", str(port), "--silent"],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
            url = f"http://127.0.0.1:{port}"
            w3 = Web3(Web3.HTTPProvider(url, request_kwargs={"timeout": 5}))
            deadline = time.monotonic() + _READY_TIMEOUT
            while time.monotonic() < deadline and process.poll() is None:
                if w3.is_connected():
                    return process, url
                time.sleep(0.02)
            _stop(process)
            log.seek(0)
            last = log.read().decode(errors="replace")[-300:]
    raise RuntimeError(f"anvil did not start: {last}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="session", name="anvil_url")
def anvil_url_fixture() -> Iterator[str]:
    """A real anvil node on 127.0.0.1 for this session (per xdist worker)."""
    require_node_tools()
    result = run_evm_script("anvil-path")
    assert result.returncode == 0, result.stderr
    process, url = _start_anvil(result.stdout.strip())
    try:
        yield url
    finally:
        _stop(process)


@pytest.fixture(params=BACKENDS, name="w3")
def w3_fixture(request: pytest.FixtureRequest) -> Web3:
    """A connected Web3: a fresh in-process eth-tester chain, or the session's anvil."""
    if request.param == "eth-tester":
        return Web3(EthereumTesterProvider())
    url = request.getfixturevalue("anvil_url")
    return Web3(Web3.HTTPProvider(url, request_kwargs={"timeout": 30}))


def funded_account(w3: Web3, *, ether: int = 1) -> LocalAccount:
    """A new local key, funded from the node's first (unlocked) dev account."""
    account: LocalAccount = Account.create()
    tx_hash = w3.eth.send_transaction(
        {"from": w3.eth.accounts[0], "to": account.address, "value": Wei(ether * 10**18)}
    )
    w3.eth.wait_for_transaction_receipt(tx_hash, timeout=30)
    return account


def mine(w3: Web3, blocks: int) -> None:
    """Mine ``blocks`` empty blocks (``evm_mine``; both backends support it)."""
    for _ in range(blocks):
        response: Any = w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]
        assert "error" not in response, response
