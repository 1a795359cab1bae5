#!/usr/bin/env python3
"""Set up vcid's virtual environment and run its jobs.

Usage::

    python3 dev.py demo     # a registrar issues, a holder presents, a verifier decides
    python3 dev.py test     # the whole test suite (pytest, in parallel)
    python3 dev.py test --cov=vcid   # ... and report branch coverage (as CI does)
    python3 dev.py check    # ruff, mypy --strict and import-linter
    python3 dev.py bench    # benchmarks, printing operations per second
                            # (with node: beside the JavaScript reference,
                            # installed into benchmarks/js by npm ci)

Each job creates ``.venv`` on first use and installs the pinned versions from
``requirements.lock``; later runs reuse it. Only Python 3.11+ is needed.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
LOCK = ROOT / "requirements.lock"
STAMP = VENV / ".vcid-installed"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for path in (LOCK, ROOT / "pyproject.toml"):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def ensure_venv() -> None:
    """Create and fill ``.venv`` unless it already matches the lock file."""
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py runs on any python3
        sys.exit("vcid needs Python 3.11 or newer")
    if STAMP.exists() and STAMP.read_text() == _fingerprint():
        return
    if not PYTHON.exists():
        print("creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    pip = [
        str(PYTHON),
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
    ]
    print("installing pinned dependencies ...", flush=True)
    subprocess.run([*pip, "-r", str(LOCK)], check=True)
    subprocess.run([*pip, "--no-deps", "-e", str(ROOT)], check=True)
    STAMP.write_text(_fingerprint())


def run(*args: str) -> int:
    return subprocess.run([str(PYTHON), *args], cwd=ROOT, check=False).returncode


def main(argv: list[str]) -> int:
    job = argv[0] if argv else "help"
    rest = argv[1:]
    if job not in {"demo", "test", "check", "bench"}:
        print(__doc__)
        return 0 if job in {"help", "-h", "--help"} else 2
    ensure_venv()
    if job == "demo":
        return run("-m", "vcid.demo", *rest)
    if job == "test":
        workers = os.environ.get("VCID_TEST_WORKERS", "auto")
        return run("-m", "pytest", "-n", workers, "-q", *rest)
    if job == "bench":
        return run("-m", "benchmarks", *rest)
    status = 0
    for command in (
        ["-m", "ruff", "check", "vcid", "tests", "benchmarks", "dev.py"],
        ["-m", "ruff", "format", "--check", "vcid", "tests", "benchmarks", "dev.py"],
        ["-m", "mypy"],
        [str(BIN / "lint-imports"), "--no-cache"],
    ):
        if command[0].startswith("-"):
            code = run(*command)
        else:
            code = subprocess.run(command, cwd=ROOT, check=False).returncode
        status = status or code
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
