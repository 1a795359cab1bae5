"""The JavaScript reference stack: installing it, and running its benchmark.

``benchmarks/js/`` holds a ``package.json`` and ``package-lock.json`` pinning
Digital Bazaar's stack (``@digitalbazaar/vc`` 7.3 with the eddsa-rdfc-2022 and
ecdsa-rdfc-2019 cryptosuites, jsonld 9) and ``bench.mjs``, which signs and
verifies the documents vcid's core benchmark hands it. :func:`ensure_installed`
runs ``npm ci`` when node is present and the lock file changed since the last
install; :func:`start` runs the script pinned to a CPU. Neither raises: without
node, or when npm cannot reach its registry, they say why and vcid's figures
are printed alone.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

FOLDER = Path(__file__).resolve().parent / "js"
LOCK = FOLDER / "package-lock.json"
MODULES = FOLDER / "node_modules"
STAMP = MODULES / ".vcid-lock-sha256"
SCRIPT = FOLDER / "bench.mjs"
#: npm ci gives up after this long (an unreachable registry must not stall CI).
INSTALL_TIMEOUT = 90.0
#: few, short retries: npm's defaults wait over a minute for a dead registry
NPM_OPTIONS = (
    "--no-audit",
    "--no-fund",
    "--prefer-offline",
    "--loglevel=error",
    "--fetch-retries=1",
    "--fetch-retry-mintimeout=1000",
    "--fetch-retry-maxtimeout=3000",
    "--fetch-timeout=30000",
)


def _say(message: str) -> None:
    print(f"[js reference] {message}", file=sys.stderr, flush=True)


def _lock_digest() -> str:
    return hashlib.sha256(LOCK.read_bytes()).hexdigest()


def unavailable_reason() -> str | None:
    """Why the JavaScript benchmark cannot run, or None if it can."""
    if os.environ.get("VCID_BENCH_NO_JS"):
        return "VCID_BENCH_NO_JS is set"
    if shutil.which("node") is None:
        return "node is not installed"
    if not (MODULES.is_dir() and STAMP.is_file() and STAMP.read_text() == _lock_digest()):
        return "the JavaScript stack is not installed (npm ci failed or was not run)"
    return None


def ensure_installed() -> bool:
    """``npm ci`` into ``benchmarks/js/node_modules`` unless it matches the lock."""
    if os.environ.get("VCID_BENCH_NO_JS"):
        return False
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        _say("node or npm not found: printing vcid's figures alone")
        return False
    digest = _lock_digest()
    if MODULES.is_dir() and STAMP.is_file() and STAMP.read_text() == digest:
        return True
    _say("installing the pinned JavaScript stack (npm ci) ...")
    try:
        done = subprocess.run(
            [npm, "ci", *NPM_OPTIONS],
            cwd=FOLDER,
            capture_output=True,
            text=True,
            timeout=INSTALL_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        _say(f"npm ci did not finish ({exc}): printing vcid's figures alone")
        return False
    if done.returncode != 0:
        tail = " ".join(done.stderr.strip().splitlines()[-3:])
        _say(f"npm ci failed (is the npm registry reachable?): {tail}")
        _say("printing vcid's figures alone")
        return False
    STAMP.write_text(digest)
    return True


class Reference:
    """The running ``bench.mjs --serve``: times one JavaScript batch per request.

    :attr:`setup` holds what the script reports once it has signed and
    checked the documents (``versions``, ``signed``, ``crossVerified``,
    ``names``). :meth:`rate` times one batch of a benchmark there, so that
    the caller can alternate rounds with vcid's on the same core.
    """

    def __init__(self, process: subprocess.Popen[str], setup: dict[str, Any]) -> None:
        self._process = process
        self.setup = setup

    def rate(self, name: str) -> float:
        """One batch of ``name``, in calls per second (calibrated on first use)."""
        assert self._process.stdin is not None
        assert self._process.stdout is not None
        self._process.stdin.write(json.dumps({"name": name}) + "\n")
        self._process.stdin.flush()
        line = self._process.stdout.readline()
        if not line:
            raise RuntimeError(f"bench.mjs stopped: {_failure(self._process)}")
        return float(json.loads(line)["rate"])

    def close(self) -> None:
        """End the script (it exits when its input closes)."""
        if self._process.stdin is not None:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


def start(fixture: dict[str, Any], cpu: int | None, workdir: Path) -> Reference | None:
    """Start ``bench.mjs --serve`` on ``fixture``, pinned to ``cpu``; None if it cannot run."""
    reason = unavailable_reason()
    if reason is not None:
        _say(f"{reason}: printing vcid's figures alone")
        return None
    path = workdir / "fixture.json"
    path.write_text(json.dumps(fixture))
    command = ["node", str(SCRIPT), str(path), "--serve"]
    if os.environ.get("VCID_BENCH_CLOCK", "cpu") == "wall":
        command.append("--wall")
    if cpu is not None and shutil.which("taskset"):
        command = ["taskset", "-c", str(cpu), *command]
    process = subprocess.Popen(
        command,
        cwd=FOLDER,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line:
        _say(f"bench.mjs failed:\n{_failure(process)}")
        return None
    return Reference(process, json.loads(line))


def _failure(process: subprocess.Popen[str]) -> str:
    """The end of a failed script's stderr (it is stopped first)."""
    process.kill()
    assert process.stderr is not None
    message = process.stderr.read().strip()[-2000:]
    process.wait()
    return message
